package dev.tether.keys;

import dev.tether.gateway.GatewayException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Page sizes of {@code /api}: {@code tether.keys.page} by default, at most {@code tether.keys.max-page}. */
@ApplicationScoped
public class KeysSettings {

    @Inject
    @ConfigProperty(name = "tether.keys.page", defaultValue = "100")
    int page;

    @Inject
    @ConfigProperty(name = "tether.keys.max-page", defaultValue = "1000")
    int maxPage;

    /** The page size a request asked for (digits, checked by Bean Validation), or the default; 400 over the limit. */
    int count(String requested) {
        if (requested == null || requested.isEmpty()) {
            return Math.min(page, maxPage);
        }
        long n = Long.parseLong(requested);
        if (n < 1 || n > maxPage) {
            throw GatewayException.bad("count must be between 1 and " + maxPage + " (tether.keys.max-page), got " + n);
        }
        return (int) n;
    }
}
