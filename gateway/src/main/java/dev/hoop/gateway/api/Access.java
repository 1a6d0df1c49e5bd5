package dev.hoop.gateway.api;

/** Who may call a route: anyone, any signed-in user, or admins only. */
public enum Access {
    PUBLIC, USER, ADMIN
}
