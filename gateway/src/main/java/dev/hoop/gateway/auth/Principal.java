package dev.hoop.gateway.auth;

import dev.hoop.gateway.store.Users.User;

/** The signed-in user of a request or a gRPC stream, and whether they are in the admin group. */
public record Principal(User user, boolean admin) {}
