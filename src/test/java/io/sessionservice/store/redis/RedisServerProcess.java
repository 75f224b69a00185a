package io.sessionservice.store.redis;

import static io.sessionservice.testing.FreePorts.freePort;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A {@code redis-server} this test JVM starts on a free loopback port, in its own temporary directory,
 * without persistence; stopped (SIGKILL if need be) by {@link #close()} or, failing that, at JVM exit.
 * {@link #cluster} starts several and joins them into a Redis Cluster.
 */
public final class RedisServerProcess implements AutoCloseable {

    private final int port;
    private final Path dir;
    private final List<String> extraArgs;
    private Process process;

    private RedisServerProcess(int port, Path dir, List<String> extraArgs) {
        this.port = port;
        this.dir = dir;
        this.extraArgs = extraArgs;
    }

    /** Starts a server on a free port and waits until it answers PING. */
    public static RedisServerProcess launch(String... extraArgs) throws IOException {
        RedisServerProcess server = new RedisServerProcess(freePort(), Files.createTempDirectory("redis-test-"),
                List.of(extraArgs));
        server.start();
        return server;
    }

    /**
     * Starts {@code masters} cluster-enabled servers (cluster bus on another free port), joins them with
     * {@code redis-cli --cluster create} (no replicas) and waits until every node reports
     * {@code cluster_state:ok}.
     */
    public static List<RedisServerProcess> cluster(int masters) throws IOException, InterruptedException {
        List<RedisServerProcess> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < masters; i++) {
                nodes.add(launch("--cluster-enabled", "yes", "--cluster-port", Integer.toString(freePort()),
                        "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000"));
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            nodes.forEach(n -> create.add(n.address()));
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            Process cli = new ProcessBuilder(create).redirectErrorStream(true)
                    .redirectOutput(nodes.get(0).dir.resolve("cluster-create.log").toFile()).start();
            if (!cli.waitFor(60, TimeUnit.SECONDS) || cli.exitValue() != 0) {
                throw new IOException("redis-cli --cluster create failed: "
                        + Files.readString(nodes.get(0).dir.resolve("cluster-create.log")));
            }
            for (RedisServerProcess node : nodes) {
                node.awaitReply("CLUSTER INFO", "cluster_state:ok");
            }
            return nodes;
        } catch (IOException | InterruptedException | RuntimeException e) {
            nodes.forEach(RedisServerProcess::close);
            throw e;
        }
    }

    public int port() {
        return port;
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    /** Starts again after {@link #stop()} on the same port; the data is gone. */
    public synchronized void start() throws IOException {
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                "--logfile", dir.resolve("redis.log").toString()));
        command.addAll(extraArgs);
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Process started = process;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        awaitReply("PING", "PONG");
    }

    /** Kills the server (SIGKILL: no shutdown courtesy, like a crash) and waits until it is gone. */
    public synchronized void stop() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** SIGSTOP: the server keeps its port and accepts connections but answers nothing. */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    /** Sends one inline command on a fresh connection and returns the raw reply (status, error or bulk). */
    public String command(String inline) throws IOException {
        return command(port, inline);
    }

    /** {@link #command(String)} to any server on the loopback interface. */
    public static String command(int port, String inline) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String first = in.readLine();
            if (first == null || !first.startsWith("$")) {
                return first;
            }
            int length = Integer.parseInt(first.substring(1));
            char[] body = new char[Math.max(0, length)];
            int read = 0;
            while (read < body.length) {
                int n = in.read(body, read, body.length - read);
                if (n < 0) {
                    break;
                }
                read += n;
            }
            return new String(body, 0, read);
        }
    }

    @Override
    public void close() {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }

    private void signal(String signal) throws IOException, InterruptedException {
        long pid = process.pid();
        if (new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor() != 0) {
            throw new IOException("kill -" + signal + " " + pid + " failed");
        }
    }

    private void awaitReply(String inline, String expected) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = command(inline);
                if (last != null && last.contains(expected)) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            if (process != null && !process.isAlive()) {
                throw new IOException("redis-server on port " + port + " exited: see " + dir.resolve("redis.log"));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        throw new IOException("redis-server on port " + port + " never answered " + inline + " with " + expected
                + " (last: " + last + ")");
    }
}
