package dev.sluice.http;

import dev.sluice.event.FieldProblem;

import java.util.List;

/**
 * An RFC 9457 problem body ({@code application/problem+json}). It names fields by JSON pointer
 * and never echoes their values.
 *
 * @param type   URI identifying the kind of problem ({@code urn:sluice:problem:...})
 * @param title  short summary of the kind
 * @param status HTTP status
 * @param detail explanation of this occurrence
 * @param errors field-level problems, possibly empty
 */
public record Problem(String type, String title, int status, String detail, List<FieldProblem> errors) {
    public Problem {
        errors = List.copyOf(errors);
    }

    static Problem of(int status, String slug, String title, String detail) {
        return new Problem("urn:sluice:problem:" + slug, title, status, detail, List.of());
    }

    static Problem of(int status, String slug, String title, String detail, List<FieldProblem> errors) {
        return new Problem("urn:sluice:problem:" + slug, title, status, detail, errors);
    }
}
