package dev.hoop.gateway.api;

import dev.hoop.gateway.auth.oidc.LoginRedirects;
import dev.hoop.gateway.auth.oidc.LoginRequest;
import dev.hoop.gateway.auth.oidc.OidcException;
import dev.hoop.gateway.auth.oidc.OidcIdentity;
import dev.hoop.gateway.auth.oidc.OidcLoginException;
import dev.hoop.gateway.auth.oidc.OidcProvider;
import dev.hoop.gateway.auth.oidc.OidcUnavailableException;
import dev.hoop.gateway.store.DuplicateException;
import dev.hoop.gateway.store.LoginStates;
import dev.hoop.gateway.store.Users;
import io.helidon.http.Method;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenID Connect sign-in: {@code GET /api/login?redirect=…} answers the provider's login URL and
 * stores the login's state; {@code GET /api/callback} takes that state (single use), completes the
 * code flow, creates the user on first login or syncs its groups, and redirects to the
 * {@code redirect} with {@code ?token=} or {@code ?error=}.
 */
final class OidcAuthApi {
    private static final Logger log = LoggerFactory.getLogger(OidcAuthApi.class);
    static final String UNKNOWN_STATE = "unknown or already used login; start the login again";

    private final OidcProvider provider;
    private final LoginStates states;
    private final Users users;
    private final UUID org;
    private final String adminGroup;

    OidcAuthApi(OidcProvider provider, LoginStates states, Users users, UUID org, String adminGroup) {
        this.provider = provider;
        this.states = states;
        this.users = users;
        this.org = org;
        this.adminGroup = adminGroup;
    }

    List<Route> routes() {
        return List.of(
                Route.of(Method.GET, "/api/login", Access.PUBLIC, this::login),
                Route.of(Method.GET, "/api/callback", Access.PUBLIC, this::callback));
    }

    private Reply login(Call c) {
        LoginRequest login;
        try {
            login = provider.loginRequest(c.query("redirect"));
        } catch (OidcLoginException e) {
            throw ApiException.badRequest(e.reason());
        }
        states.save(org, login.state());
        return Reply.ok(Map.of("login_url", login.loginUrl().toString()));
    }

    private Reply callback(Call c) {
        String state = c.query("state");
        Optional<LoginStates.Taken> taken = state == null ? Optional.empty() : states.take(state);
        if (taken.isEmpty()) {
            return Reply.redirect(provider.defaultRedirectWithError(UNKNOWN_STATE).toString());
        }
        var saved = taken.get().state();
        String error = c.query("error");
        if (error != null) {
            return Reply.redirect(LoginRedirects.withError(saved, OidcLoginException.providerError(error, c.query("error_description")).reason())
                    .toString());
        }
        try {
            OidcIdentity who = provider.callback(c.query("code"), state, saved);
            UUID orgId = taken.get().orgId() != null ? taken.get().orgId() : org;
            Users.User user;
            try {
                user = users.upsertBySubject(orgId, who.subject(), who.email(), who.name(),
                        who.groupsClaimPresent() ? who.groups() : null, adminGroup);
            } catch (DuplicateException e) {
                return Reply.redirect(LoginRedirects.withError(saved, "the email '" + who.email() + "' belongs to another user of this gateway "
                        + "(signed in with another identity); ask an admin").toString());
            }
            if (!user.active()) {
                return Reply.redirect(LoginRedirects.withError(saved, "your user is disabled; ask an admin to enable it").toString());
            }
            log.info("login: {} signed in with OIDC (groups {})", user.email(), user.groups());
            return Reply.redirect(LoginRedirects.withToken(saved, who.accessToken()).toString());
        } catch (OidcUnavailableException e) {
            log.warn("login: the identity provider could not complete a login: {}", e.reason());
            return Reply.redirect(LoginRedirects.withError(saved, e.reason()).toString());
        } catch (OidcException e) {
            log.info("login: refused: {}", e.reason());
            return Reply.redirect(LoginRedirects.withError(saved, e.reason()).toString());
        }
    }
}
