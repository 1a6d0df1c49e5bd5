package dev.hoop.gateway.auth.oidc;

import java.util.List;
import java.util.Objects;

/**
 * A user as the identity provider vouches for it, after a login or the verification of an access token.
 *
 * @param subject     the provider's stable user id ({@code sub}); the key to find the user again
 * @param email       the {@code email} claim, or null when the token does not carry it (JWT access tokens often don't)
 * @param name        the {@code name} claim (or {@code preferred_username}), or null
 * @param groups      the groups from the configured groups claim, in the provider's order, without duplicates;
 *                    empty when the claim is absent
 * @param groupsClaimPresent true when the groups claim was present (possibly empty): only then should the caller
 *                    replace the user's groups, so that a token without the claim does not wipe them
 * @param accessToken the access token: after a login, the token to hand to the user; after a verification, the
 *                    token that was verified. Never printed by {@link #toString()}
 */
public record OidcIdentity(String subject, String email, String name, List<String> groups, boolean groupsClaimPresent,
                           String accessToken) {

    public OidcIdentity {
        Objects.requireNonNull(subject, "subject");
        groups = List.copyOf(groups);
        Objects.requireNonNull(accessToken, "accessToken");
    }

    OidcIdentity withAccessToken(String token) {
        return new OidcIdentity(subject, email, name, groups, groupsClaimPresent, token);
    }

    @Override
    public String toString() {
        return "OidcIdentity[subject=" + subject + ", email=" + email + ", name=" + name + ", groups=" + groups
                + ", groupsClaimPresent=" + groupsClaimPresent + ", accessToken=****]";
    }
}
