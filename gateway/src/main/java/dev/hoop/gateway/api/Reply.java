package dev.hoop.gateway.api;

/** A handler's answer: a status and a body encoded as JSON (null: no body). */
record Reply(int status, Object body) {
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

    /** A {@code 302} to {@code location} (the OIDC callback's answer); the URL may carry a token, so it is never logged. */
    record Redirect(String location) {
        @Override
        public String toString() {
            return "Redirect[****]";
        }
    }

    static Reply redirect(String location) {
        return new Reply(302, new Redirect(location));
    }

    /**
     * A body written as it is produced (Server-Sent Events): the writer runs on the request's own
     * (virtual) thread and may block; it returns when the stream is over.
     */
    record Stream(String contentType, Writer writer) {
        @FunctionalInterface
        interface Writer {
            void write(java.io.OutputStream out) throws java.io.IOException;
        }
    }

    static Reply stream(String contentType, Stream.Writer writer) {
        return new Reply(200, new Stream(contentType, writer));
    }

    static Reply noContent() {
        return new Reply(204, null);
    }
}
