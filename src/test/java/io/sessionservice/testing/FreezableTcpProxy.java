package io.sessionservice.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on a loopback port that forwards every connection to a target port, counts the
 * connections it accepted (how a test sees whether a client reuses its connections) and can make one
 * connection a black hole, as a firewall or NAT that forgets an idle flow does: {@link Link#freeze()}
 * stops forwarding in both directions without closing anything, so neither end sees a reset or a
 * FIN, writes still succeed and reads just wait. What arrives meanwhile (a close included) is held, in
 * order, and delivered by {@link Link#unfreeze()}; {@link Link#cut()} closes both sockets instead.
 *
 * <p>A connection is picked by the address the target sees it from ({@link #linkSeenByTargetFrom}):
 * the proxy's outgoing socket's local port, which a server names itself (Redis: {@code addr=} in
 * {@code CLIENT LIST ID <id>}). That picks exactly the connection a client id belongs to. Looking for a
 * command in the bytes (e.g. {@code SUBSCRIBE}) could match a pooled connection whose data holds that
 * word, or miss it when it is split across reads; freezing "every connection opened after a mark"
 * would also catch a pool growing meanwhile.
 */
public final class FreezableTcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();

    public FreezableTcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "freezable-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    /** The connection the target sees coming from this local port of the proxy, or null. */
    public Link linkSeenByTargetFrom(int port) {
        for (Link link : links) {
            if (link.upstream.getLocalPort() == port) {
                return link;
            }
        }
        return null;
    }

    /** One proxied connection: client to proxy, proxy to target. */
    public static final class Link {
        private final Socket client;
        private final Socket upstream;
        private final ByteArrayOutputStream heldToTarget = new ByteArrayOutputStream();
        private final ByteArrayOutputStream heldToClient = new ByteArrayOutputStream();
        private boolean frozen; // guarded by this: a write happens under the lock, so none follows freeze()
        private boolean closeHeld;

        private Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        /** From now on nothing is forwarded, in either direction, and neither socket is closed. */
        public synchronized void freeze() {
            frozen = true;
        }

        /** Delivers what was held, in order, and forwards again (and closes, if an end closed meanwhile). */
        public synchronized void unfreeze() throws IOException {
            frozen = false;
            upstream.getOutputStream().write(heldToTarget.toByteArray());
            client.getOutputStream().write(heldToClient.toByteArray());
            heldToTarget.reset();
            heldToClient.reset();
            if (closeHeld) {
                cut();
            }
        }

        /** Closes both sockets: the ends see their connection end at last. */
        public void cut() {
            closeQuietly(client);
            closeQuietly(upstream);
        }

        /** The bytes the target sent that the freeze holds back from the client. */
        public synchronized byte[] heldFromTarget() {
            return heldToClient.toByteArray();
        }

        private void pump(Socket from, Socket to, ByteArrayOutputStream held) {
            try {
                InputStream in = from.getInputStream(); // not closed here: closing it would close the socket
                OutputStream out = to.getOutputStream();
                byte[] buffer = new byte[8192];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    synchronized (this) {
                        if (frozen) {
                            held.write(buffer, 0, n);
                        } else {
                            out.write(buffer, 0, n);
                        }
                    }
                }
            } catch (IOException e) {
                // cut, or the other end is gone
            }
            synchronized (this) {
                if (frozen) {
                    closeHeld = true; // a black hole does not pass the FIN on either
                    return;
                }
            }
            cut();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                accepted.incrementAndGet();
                client.setTcpNoDelay(true);
                Socket upstream = new Socket();
                upstream.setTcpNoDelay(true);
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5000);
                Link link = new Link(client, upstream);
                links.add(link);
                start(() -> link.pump(client, upstream, link.heldToTarget));
                start(() -> link.pump(upstream, client, link.heldToClient));
            } catch (IOException e) {
                // closed, or the target refused: the client sees its connection end
            }
        }
    }

    private static void start(Runnable pump) {
        Thread t = new Thread(pump, "freezable-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    /** Stops accepting and closes every connection, frozen or not. */
    @Override
    public void close() throws IOException {
        server.close();
        links.forEach(Link::cut);
    }
}
