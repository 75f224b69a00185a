package io.sessionservice.testing;

import static io.sessionservice.testing.FreePorts.freePort;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL this test JVM sets up ({@code initdb}) and runs ({@code pg_ctl}) from the installed server
 * binaries ({@code /usr/lib/postgresql/<newest>/bin}), in a temporary directory, on a free loopback port,
 * with trust auth for user {@value #USER} and a database {@value #DATABASE}; never the machine's shared
 * server. It can be stopped (like a crash), paused (SIGSTOP: it accepts connections and answers nothing)
 * and started again on the same data and port. {@link #close()} or, failing that, JVM exit stops it and
 * deletes the directory.
 *
 * <p>{@code initdb} and {@code postgres} refuse to run as root: when the tests do, every server command
 * runs as the OS user {@value #USER} ({@code runuser}), which then owns the directory.
 */
public final class PrivatePostgres implements AutoCloseable {

    public static final String USER = "postgres";
    public static final String DATABASE = "test";

    private static final long COMMAND_SECONDS = 120;

    private final Path bin;
    private final Path dir;
    private final Path data;
    private final int port;
    private final boolean asRoot;
    private boolean running;
    private boolean paused;

    private PrivatePostgres(Path bin, Path dir, int port, boolean asRoot) {
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
        this.asRoot = asRoot;
    }

    /** Creates a cluster in a new temporary directory, starts it on a free port and creates {@value #DATABASE}. */
    public static PrivatePostgres launch() throws IOException, InterruptedException {
        boolean asRoot = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("postgres-test-");
        if (asRoot) {
            UserPrincipal postgres = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(USER);
            Files.setOwner(dir, postgres);
        }
        PrivatePostgres server = new PrivatePostgres(serverBinaries(), dir, freePort(), asRoot);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "private-postgres-cleanup"));
        try {
            server.run("initdb", "-D", server.data.toString(), "-U", USER, "--auth=trust", "-E", "UTF8",
                    "--locale=C", "--no-sync");
            // TCP on loopback only, no Unix socket (its default directory may not be ours). No fsync, for speed:
            // a committed row still survives stop() (a process crash, not an OS one). synchronous_commit stays
            // on: off, the last commits before an immediate stop would be lost and look like a store bug.
            Files.writeString(server.data.resolve("postgresql.conf"), String.join("\n",
                    "", "port = " + server.port, "listen_addresses = '127.0.0.1'", "unix_socket_directories = ''",
                    "fsync = off", "full_page_writes = off", "shared_buffers = 16MB",
                    "max_connections = 50", ""), StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
            server.start();
            server.run("createdb", "-h", "127.0.0.1", "-p", Integer.toString(server.port), "-U", USER, DATABASE);
            return server;
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/test}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    /** Starts the server (again, after {@link #stop()}: same data, same port) and waits until it accepts connections. */
    public synchronized void start() throws IOException, InterruptedException {
        if (!running) {
            run("pg_ctl", "start", "-w", "-t", "60", "-D", data.toString(), "-l", dir.resolve("postgres.log").toString());
            running = true;
        }
    }

    /**
     * Stops the server at once ({@code pg_ctl stop -m immediate}: no checkpoint, connections cut, as in a crash;
     * the next start recovers from the WAL) and waits until it is gone and its port refuses connections.
     */
    public synchronized void stop() throws IOException, InterruptedException {
        if (running) {
            resume();
            run("pg_ctl", "stop", "-w", "-t", "60", "-m", "immediate", "-D", data.toString());
            running = false;
        }
    }

    /**
     * SIGSTOP to the postmaster (no new connections are served, though the kernel still accepts them) and then
     * to each of its processes, the backends that serve the connections already open among them. The postmaster
     * first, so that it forks no backend after its processes are listed; listed again until none is new.
     */
    public synchronized void pause() throws IOException, InterruptedException {
        ProcessHandle postmaster = postmaster().orElseThrow(() -> new IOException("no postmaster runs in " + data));
        signal("STOP", postmaster);
        paused = true;
        Set<Long> stopped = new HashSet<>();
        boolean found = true;
        while (found) {
            found = false;
            for (ProcessHandle p : postmaster.descendants().toList()) {
                if (stopped.add(p.pid())) {
                    signal("STOP", p);
                    found = true;
                }
            }
        }
    }

    /** SIGCONT after {@link #pause()}, in the reverse order. */
    public synchronized void resume() throws IOException, InterruptedException {
        if (paused) {
            List<ProcessHandle> processes = processes();
            for (int i = processes.size() - 1; i >= 0; i--) {
                signal("CONT", processes.get(i));
            }
            paused = false;
        }
    }

    /** Stops the server if it runs and deletes its directory; safe to call twice. */
    @Override
    public synchronized void close() {
        try {
            stop();
        } catch (IOException | InterruptedException | RuntimeException e) {
            postmaster().ifPresent(ProcessHandle::destroyForcibly); // the last resort: SIGKILL
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // already gone, or a temp dir left behind, which is harmless
        }
    }

    /** The postmaster first, then its processes. */
    private List<ProcessHandle> processes() throws IOException {
        ProcessHandle postmaster = postmaster().orElseThrow(() -> new IOException("no postmaster runs in " + data));
        List<ProcessHandle> all = new ArrayList<>(List.of(postmaster));
        postmaster.descendants().forEach(all::add);
        return all;
    }

    private Optional<ProcessHandle> postmaster() {
        try {
            String firstLine = Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim();
            return ProcessHandle.of(Long.parseLong(firstLine));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static void signal(String signal, ProcessHandle process) throws IOException, InterruptedException {
        if (new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor() != 0
                && process.isAlive()) {
            throw new IOException("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    /** Runs a server binary (as {@value #USER} when the tests run as root); its output goes to a log in the directory. */
    private void run(String program, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (asRoot) {
            command.addAll(List.of("runuser", "-u", USER, "--"));
        }
        command.add(bin.resolve(program).toString());
        command.addAll(List.of(args));
        Path log = dir.resolve(program + ".log");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!process.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in " + COMMAND_SECONDS + " s");
        }
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + process.exitValue() + "): "
                    + Files.readString(log) + tail(dir.resolve("postgres.log")));
        }
    }

    private static String tail(Path log) {
        try {
            String text = Files.readString(log);
            return "\npostgres.log: " + text.substring(Math.max(0, text.length() - 2000));
        } catch (IOException e) {
            return "";
        }
    }

    /** The newest {@code /usr/lib/postgresql/<version>/bin} (Debian's layout) that has {@code initdb}. */
    private static Path serverBinaries() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            throw new IOException("no PostgreSQL server binaries in " + root + " (install the postgresql package)");
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(b -> versionOf(b.getParent())))
                    .orElseThrow(() -> new IOException("no initdb and pg_ctl under " + root + "/*/bin"));
        }
    }

    private static double versionOf(Path versionDir) {
        try {
            return Double.parseDouble(versionDir.getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
