package dev.tether.keys;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.stream.Collectors;

/** A parameter that breaks its Bean Validation constraint: 400 naming the parameter and the rule. */
@Provider
public class ApiValidation implements ExceptionMapper<ConstraintViolationException> {

    @Override
    public Response toResponse(ConstraintViolationException e) {
        String message = e.getConstraintViolations().stream()
                .map(ApiValidation::describe)
                .sorted()
                .collect(Collectors.joining("; "));
        return ApiErrors.json(400, message.isEmpty() ? "invalid request" : message).build();
    }

    private static String describe(ConstraintViolation<?> v) {
        String path = v.getPropertyPath().toString();
        String name = path.substring(path.lastIndexOf('.') + 1);
        return name + ": " + v.getMessage() + " (got " + v.getInvalidValue() + ")";
    }
}
