package dev.hoop.gateway.api;

/** A handler's answer: a status and a body encoded as JSON (null: no body). */
public record Reply(int status, Object body) {
    static Reply ok(Object body) {
        return new Reply(200, body);
    }

    static Reply created(Object body) {
        return new Reply(201, body);
    }

    /** A body sent as is (not JSON), offered as a file named {@code filename}. */
    record Download(String contentType, String filename, byte[] bytes) {}

    static Reply download(String contentType, String filename, byte[] bytes) {
        return new Reply(200, new Download(contentType, filename, bytes));
    }

    static Reply noContent() {
        return new Reply(204, null);
    }
}
