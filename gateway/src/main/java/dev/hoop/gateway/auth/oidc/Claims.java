package dev.hoop.gateway.auth.oidc;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads an {@link OidcIdentity} out of token or userinfo claims. */
final class Claims {
    private Claims() {
    }

    /** The groups claim: absent (null), or the groups it lists. */
    record Groups(List<String> names) {
    }

    static OidcIdentity identity(Map<String, Object> claims, String groupsClaim, String accessToken) throws InvalidTokenException {
        String subject = string(claims.get("sub"));
        if (subject == null) {
            throw new InvalidTokenException("the token names no user (no 'sub' claim)");
        }
        String name = string(claims.get("name"));
        if (name == null) {
            name = string(claims.get("preferred_username"));
        }
        Groups groups = groups(claims, groupsClaim);
        return new OidcIdentity(subject, string(claims.get("email")), name,
                groups == null ? List.of() : groups.names(), groups != null, accessToken);
    }

    /**
     * The groups in {@code claim}: a JSON array of strings, or one string of names separated by spaces or commas.
     * A dotted name ({@code realm_access.roles}) walks into nested objects when no claim has that exact name.
     * Returns null when the claim is absent.
     */
    static Groups groups(Map<String, Object> claims, String claim) {
        Object value = claims.get(claim);
        if (value == null && claim.contains(".")) {
            value = nested(claims, claim.split("\\."));
        }
        if (value == null) {
            return null;
        }
        Set<String> names = new LinkedHashSet<>();
        if (value instanceof Collection<?> list) {
            for (Object item : list) {
                if (item != null && !String.valueOf(item).isBlank()) {
                    names.add(String.valueOf(item).trim());
                }
            }
        } else {
            for (String s : String.valueOf(value).split("[,\\s]+")) {
                if (!s.isBlank()) {
                    names.add(s);
                }
            }
        }
        return new Groups(List.copyOf(names));
    }

    private static Object nested(Map<String, Object> claims, String[] path) {
        Object current = claims;
        for (String part : path) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(part);
        }
        return current;
    }

    private static String string(Object v) {
        if (v == null) {
            return null;
        }
        String s = String.valueOf(v);
        return s.isBlank() ? null : s;
    }
}
