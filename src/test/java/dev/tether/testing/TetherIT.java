package dev.tether.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An integration test class on its own Tether deployment (Arquillian) with its own private redis-server.
 * {@link PrivateRedis} starts the server before Arquillian calls the class's {@code @Deployment} method and sets
 * the class's static {@link RedisServer} field, so the deployment can point at it; the server stops after the
 * class. Test methods may also take a {@link RedisServer} parameter. Add {@code @RunAsClient} to the class.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(PrivateRedis.class) // first: Arquillian deploys in its own beforeAll, which runs after this one
@ExtendWith(ArquillianExtension.class)
public @interface TetherIT {

    /** Extra redis-server arguments, e.g. {@code {"--timeout", "2"}}. */
    String[] redisArgs() default {};

    /** False: the port is chosen but the server is not running until the test calls {@link RedisServer#restart()}. */
    boolean redisRunning() default true;
}
