package dev.tether.gateway.http;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Maps what the JAX-RS runtime throws itself (404, 405, 415…) and anything unforeseen to a JSON error. */
@Provider
public class FailureMapper implements ExceptionMapper<Throwable> {

    @Override
    public Response toResponse(Throwable failure) {
        return Failures.toResponse(failure);
    }
}
