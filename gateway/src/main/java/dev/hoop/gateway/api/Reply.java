package dev.hoop.gateway.api;

/** A handler's answer: a status and a body encoded as JSON (null: no body). */
public record Reply(int status, Object body) {
    static Reply ok(Object body) {
        return new Reply(200, body);
    }

    static Reply created(Object body) {
        return new Reply(201, body);
    }

    static Reply noContent() {
        return new Reply(204, null);
    }
}
