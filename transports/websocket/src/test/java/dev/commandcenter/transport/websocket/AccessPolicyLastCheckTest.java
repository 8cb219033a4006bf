package dev.commandcenter.transport.websocket;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A kept-alive connection's last check ({@link AccessPolicy.LastCheck}): a request with the same
 * {@code Authorization} header as the one before reuses its scope only while the server's tokens are the same.
 */
class AccessPolicyLastCheckTest
{
    private static final String OVERLAY = "overlay-token-0123456789abcdef";
    private static final String ADMIN = "admin-token-0123456789abcdefgh";
    private static final QueryStringDecoder POST = new QueryStringDecoder("/api/events");

    @Test
    void shouldReuseTheScopeOfTheSameHeaderUntilTheTokensChange()
    {
        final AccessPolicy policy = new AccessPolicy(OVERLAY, ADMIN, List.of());
        final AccessPolicy.LastCheck last = new AccessPolicy.LastCheck();

        assertThat(policy.scopeOf(POST, bearer(ADMIN), last)).isEqualTo(Scope.ADMIN);
        assertThat(policy.scopeOf(POST, bearer(ADMIN), last)).isEqualTo(Scope.ADMIN);

        policy.tokens("overlay-token-rotated-0123456789", "admin-token-rotated-0123456789ab");
        assertThat(policy.scopeOf(POST, bearer(ADMIN), last)).isNull();
        assertThat(policy.scopeOf(POST, bearer("admin-token-rotated-0123456789ab"), last)).isEqualTo(Scope.ADMIN);
    }

    @Test
    void shouldCheckAnotherHeaderOrAQueryTokenOnTheSameConnection()
    {
        final AccessPolicy policy = new AccessPolicy(OVERLAY, ADMIN, List.of());
        final AccessPolicy.LastCheck last = new AccessPolicy.LastCheck();

        assertThat(policy.scopeOf(POST, bearer(ADMIN), last)).isEqualTo(Scope.ADMIN);
        assertThat(policy.scopeOf(POST, bearer("not-a-token-0123456789abcdefgh"), last)).isNull();
        assertThat(policy.scopeOf(POST, bearer(OVERLAY), last)).isEqualTo(Scope.OVERLAY);
        assertThat(policy.scopeOf(new QueryStringDecoder("/api/events?token=" + ADMIN), bearer(OVERLAY), last))
            .isEqualTo(Scope.ADMIN);
        assertThat(policy.scopeOf(POST, bearer(OVERLAY), last)).isEqualTo(Scope.OVERLAY);
        assertThat(policy.scopeOf(POST, new DefaultHttpHeaders(), last)).isNull();
    }

    private static HttpHeaders bearer(final String token)
    {
        return new DefaultHttpHeaders().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
    }
}
