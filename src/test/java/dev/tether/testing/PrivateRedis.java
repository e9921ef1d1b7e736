package dev.tether.testing;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link TetherIT}: one private redis-server per test class, kept in the class's
 * extension context (JUnit closes it after the class), injected into static {@link RedisServer} fields and
 * {@link RedisServer} parameters; and a {@link RedisCluster} or {@link RedisSentinel} for a static field of that type.
 */
public final class PrivateRedis implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PrivateRedis.class);

    /** Lets JUnit stop the server when the class's context closes. */
    private record Running(RedisServer server) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            server.close();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IllegalAccessException {
        Class<?> testClass = context.getRequiredTestClass();
        TetherIT options = AnnotationSupport.findAnnotation(testClass, TetherIT.class).orElse(null);
        String[] args = options == null ? new String[0] : options.redisArgs();
        boolean running = options == null || options.redisRunning();
        RedisServer server = running ? RedisServer.start(args) : RedisServer.notStarted(args);
        context.getStore(NAMESPACE).put(RedisServer.class, new Running(server));
        for (Field field : testClass.getDeclaredFields()) {
            if (field.getType() == RedisServer.class && Modifier.isStatic(field.getModifiers())) {
                field.setAccessible(true);
                field.set(null, server);
            }
            if (field.getType() == RedisCluster.class && Modifier.isStatic(field.getModifiers())) {
                RedisCluster.Password password = field.getAnnotation(RedisCluster.Password.class);
                RedisCluster cluster = RedisCluster.start(password == null ? null : password.value());
                context.getStore(NAMESPACE).put(RedisCluster.class, (ExtensionContext.Store.CloseableResource) cluster::close);
                field.setAccessible(true);
                field.set(null, cluster);
            }
            if (field.getType() == RedisSentinel.class && Modifier.isStatic(field.getModifiers())) {
                RedisSentinel sentinel = RedisSentinel.start();
                context.getStore(NAMESPACE).put(RedisSentinel.class, (ExtensionContext.Store.CloseableResource) sentinel::close);
                field.setAccessible(true);
                field.set(null, sentinel);
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == RedisServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(NAMESPACE).get(RedisServer.class, Running.class).server();
    }
}
