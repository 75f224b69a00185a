package io.sessionservice.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** The one {@code freePort()} of the tests. */
public final class FreePorts {

    private FreePorts() {
    }

    /** A loopback port nothing listens on at the moment (for a server to start on, or as a dead address). */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
