package io.sessionservice.store.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Counts what Redis servers receive, with MONITOR: the commands that the clients named
 * {@code clientName} send (not those their scripts run, which MONITOR tags {@code lua}), in order, over
 * all the given nodes; other clients of a shared server are left out. Connection set-up and
 * topology commands ({@code CLIENT}, {@code HELLO}, {@code AUTH}, {@code SELECT}, {@code CLUSTER}) and
 * pool health checks ({@code PING}) are left out: they are not part of an operation.
 */
public final class CommandMonitor implements AutoCloseable {

    private static final Set<String> HOUSEKEEPING = Set.of("CLIENT", "HELLO", "AUTH", "SELECT", "CLUSTER", "PING");

    private record Node(int port, Socket socket, BufferedReader in) {
    }

    private final List<Node> nodes = new ArrayList<>();
    private final String clientName;

    public CommandMonitor(String clientName, List<Integer> ports) throws IOException {
        this.clientName = clientName;
        for (int port : ports) {
            Socket socket = open(port);
            socket.getOutputStream().write("MONITOR\r\n".getBytes(StandardCharsets.UTF_8));
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            if (!"+OK".equals(in.readLine())) {
                throw new IOException("MONITOR refused on port " + port);
            }
            nodes.add(new Node(port, socket, in));
        }
    }

    /** The names (upper case) of the commands clients sent to any node while {@code action} ran. */
    public List<String> commandsDuring(Runnable action) {
        List<String> commands = new ArrayList<>();
        for (String line : linesDuring(action, false)) {
            int start = line.indexOf('"') + 1;
            String name = line.substring(start, line.indexOf('"', start)).toUpperCase();
            if (!HOUSEKEEPING.contains(name)) {
                commands.add(name);
            }
        }
        return commands;
    }

    /**
     * The names of the commands on keys starting with {@code keyPrefix} that any node ran while
     * {@code action} ran, whether these clients sent them or their scripts ran them ({@code lua}).
     */
    List<String> commandsOnKeysDuring(Runnable action, String keyPrefix) {
        List<String> commands = new ArrayList<>();
        for (String line : linesDuring(action, true)) {
            // "NAME" "key" ...: the first argument is the key of every command counted here
            String[] quoted = line.split("\"", 5);
            if (quoted.length >= 4 && quoted[3].startsWith(keyPrefix)) {
                commands.add(quoted[1].toUpperCase());
            }
        }
        return commands;
    }

    /** The MONITOR lines of these clients and of scripts while {@code action} ran, each from its first quote on. */
    List<String> linesDuring(Runnable action) {
        return linesDuring(action, true);
    }

    /** The MONITOR lines of these clients (and of scripts, with {@code withScripts}) while {@code action} ran. */
    private List<String> linesDuring(Runnable action, boolean withScripts) {
        try {
            for (Node node : nodes) {
                readLinesUntilMarker(node, mark(node), Set.of());
            }
            action.run();
            List<String> lines = new ArrayList<>();
            for (Node node : nodes) {
                String marker = mark(node);
                Set<String> sources = new HashSet<>(clients(node.port()));
                if (withScripts) {
                    sources.add("lua");
                }
                lines.addAll(readLinesUntilMarker(node, marker, sources));
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        for (Node node : nodes) {
            node.socket().close();
        }
    }

    /** Sends ECHO of a fresh marker on its own connection; the monitor sees it after all earlier commands. */
    private static String mark(Node node) throws IOException {
        String marker = "monitor-marker-" + UUID.randomUUID();
        try (Socket socket = open(node.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("ECHO " + marker + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
        }
        return marker;
    }

    /** The addresses (ip:port) of this node's connections from clients named {@link #clientName}. */
    private Set<String> clients(int port) throws IOException {
        Set<String> addresses = new HashSet<>();
        for (String client : RedisServerProcess.command(port, "CLIENT LIST").split("\n")) {
            if ((" " + client.trim() + " ").contains(" name=" + clientName + " ")) {
                addresses.add(client.replaceAll(".*\\baddr=(\\S+).*", "$1").trim());
            }
        }
        return addresses;
    }

    /** The lines from the given sources up to the marker, each from its first quote on. */
    private static List<String> readLinesUntilMarker(Node node, String marker, Set<String> from) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line = node.in().readLine(); line != null; line = node.in().readLine()) {
            if (line.contains(marker)) {
                return lines;
            }
            // +1700000000.123456 [0 127.0.0.1:54321] "EVALSHA" "..." ...   ([0 lua] for script calls)
            int open = line.indexOf('[');
            int bracket = line.indexOf(']');
            if (open < 0 || bracket < open || !from.contains(line.substring(line.indexOf(' ', open) + 1, bracket))) {
                continue;
            }
            lines.add(line.substring(line.indexOf('"', bracket)));
        }
        throw new IOException("MONITOR on port " + node.port() + " closed before the marker");
    }

    private static Socket open(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        socket.setSoTimeout(10_000);
        return socket;
    }
}
