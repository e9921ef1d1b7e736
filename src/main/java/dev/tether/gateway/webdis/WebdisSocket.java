package dev.tether.gateway.webdis;

import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Webdis's WebSocket at {@code /webdis/.json} and {@code /webdis/.raw}: each frame a command (a JSON array; on
 * .raw a RESP array, as Webdis reads it), each reply a frame in the HTTP reply's shape (JSON, or RESP for .raw), in
 * order; SUBSCRIBE streams messages on the socket. The origin and the credentials are checked before the upgrade ({@link WebdisSocketFilter}); all
 * logic lives in {@link WebdisSockets}, one instance of this class per connection.
 */
@ServerEndpoint("/webdis/{format}")
public class WebdisSocket {

    private static final Logger LOG = Logger.getLogger(WebdisSocket.class.getName());

    @Inject
    WebdisSockets sockets;

    private WebdisSockets.Connection connection;

    @OnOpen
    public void open(Session session, @PathParam("format") String format) throws IOException {
        boolean raw = format.equals(".raw");
        if (!raw && !format.equals(".json")) {
            session.close(new CloseReason(CloseReason.CloseCodes.CANNOT_ACCEPT, "use /webdis/.json or /webdis/.raw"));
            return;
        }
        if (!(session.getUserPrincipal() instanceof WebdisSocketFilter.Authenticated caller)) {
            // only handshakes that passed WebdisSocketFilter carry the caller
            session.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "not authenticated"));
            return;
        }
        connection = sockets.open(session, raw, caller.caller());
    }

    /** A hard cap of what the container buffers; the configured, smaller limit is applied by WebdisSockets. */
    @OnMessage(maxMessageSize = 1 << 20)
    public void text(String frame) {
        if (connection != null) {
            sockets.message(connection, frame);
        }
    }

    /** Binary frames: RESP commands with binary-safe arguments on .raw (Webdis reads every frame alike). */
    @OnMessage(maxMessageSize = 1 << 20)
    public void binary(byte[] frame) {
        if (connection != null) {
            sockets.message(connection, frame);
        }
    }

    @OnClose
    public void close() {
        if (connection != null) {
            sockets.closed(connection);
        }
    }

    @OnError
    public void error(Throwable failure) {
        LOG.log(Level.FINE, "webdis socket error", failure);
    }
}
