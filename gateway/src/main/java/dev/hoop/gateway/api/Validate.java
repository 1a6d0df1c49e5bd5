package dev.hoop.gateway.api;

import java.util.List;
import java.util.regex.Pattern;

/** Input checks shared by the resources; each failure is a 400 naming the field and what was expected. */
final class Validate {
    static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.:-]{0,127}");
    static final Pattern GROUP = Pattern.compile("[A-Za-z0-9_.@-]{1,64}");
    static final int MIN_PASSWORD = 8;

    private Validate() {}

    static String email(String email) {
        if (email == null || email.isBlank()) {
            throw ApiException.badRequest("missing field 'email' (expected: an email address)");
        }
        String e = email.trim();
        if (e.length() > 254 || !EMAIL.matcher(e).matches()) {
            throw ApiException.badRequest("email '" + e + "' is not valid (expected: an address like name@example.com)");
        }
        return e;
    }

    static String password(String password) {
        if (password == null || password.length() < MIN_PASSWORD) {
            throw ApiException.badRequest("password must have at least " + MIN_PASSWORD + " characters");
        }
        return password;
    }

    static String name(String field, String value) {
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest("missing field '" + field + "' (expected: 1 to 128 letters, digits, '_', '.', ':' or '-')");
        }
        if (!NAME.matcher(value).matches()) {
            throw ApiException.badRequest(field + " '" + value + "' is not valid (expected: 1 to 128 letters, digits, '_', '.', ':' or '-', starting with a letter or digit)");
        }
        return value;
    }

    static List<String> groups(List<String> groups) {
        if (groups == null) {
            return null;
        }
        for (String g : groups) {
            if (g == null || !GROUP.matcher(g).matches()) {
                throw ApiException.badRequest("group '" + g + "' is not valid (expected: 1 to 64 letters, digits, '_', '.', '@' or '-')");
            }
        }
        return groups.stream().distinct().toList();
    }
}
