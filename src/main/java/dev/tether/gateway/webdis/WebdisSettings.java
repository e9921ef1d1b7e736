package dev.tether.gateway.webdis;

import dev.tether.support.ConfigValues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The Webdis dialect's limits ({@code tether.webdis.*}); the ACL is {@link WebdisAcl}. */
@ApplicationScoped
public class WebdisSettings {

    @Inject
    @ConfigProperty(name = "tether.webdis.max-args", defaultValue = "4096")
    int maxArgs;

    @Inject
    @ConfigProperty(name = "tether.webdis.ws-origins")
    Optional<String> wsOrigins;

    @Inject
    @ConfigProperty(name = "tether.webdis.ws-max-frame", defaultValue = "65536")
    int wsMaxFrame;

    @Inject
    @ConfigProperty(name = "tether.webdis.ws-rate", defaultValue = "200")
    int wsRate;

    @Inject
    @ConfigProperty(name = "tether.webdis.ws-outbox", defaultValue = "1000")
    int wsOutbox;

    @Inject
    @ConfigProperty(name = "tether.webdis.ws-pending", defaultValue = "1000")
    int wsPending;

    @Inject
    @ConfigProperty(name = "tether.webdis.ws-outbox-bytes", defaultValue = "4194304")
    long wsOutboxBytes;

    @Inject
    @ConfigProperty(name = "tether.webdis.ws-send-timeout", defaultValue = "10000")
    long wsSendTimeout;

    /** Arguments in one command; more get 400. */
    public int maxArgs() {
        return maxArgs;
    }

    /** Browser origins allowed on the WebSocket besides the page's own ("*" for any). */
    public Set<String> wsOrigins() {
        return ConfigValues.items(wsOrigins.orElse(""), o -> o.toLowerCase(Locale.ROOT));
    }

    /** Bytes of one WebSocket frame; larger closes the socket with 1009. */
    public int wsMaxFrame() {
        return wsMaxFrame;
    }

    /** Commands per second one socket may send (a burst of as many); one over gets an error frame, not run. */
    public int wsRate() {
        return wsRate;
    }

    /** Frames queued for one socket (replies and messages) before it is closed as too slow (1008). */
    public int wsOutbox() {
        return wsOutbox;
    }

    /** Commands received on one socket and not yet answered (they run in order) before it is closed (1008). */
    public int wsPending() {
        return wsPending;
    }

    /** Characters (bytes for binary frames) queued for one socket before it is closed as too slow (1008). */
    public long wsOutboxBytes() {
        return wsOutboxBytes;
    }

    /** Milliseconds one frame may take to be written before the socket is closed. */
    public long wsSendTimeout() {
        return wsSendTimeout;
    }
}
