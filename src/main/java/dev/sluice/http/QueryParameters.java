package dev.sluice.http;

import dev.sluice.event.FieldProblem;
import io.helidon.common.uri.UriQuery;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The query string of an endpoint that takes parameters, held to the parameters it knows. A
 * parameter it does not know is refused rather than ignored: {@code ?destinaton=meta} on the audit
 * query would otherwise answer with every destination's records, and a privacy officer would take
 * them for the filtered ones. A parameter given twice is refused too: which of the two counts
 * would be a guess. So is one without a value ({@code ?decision}, {@code ?reason=}): the web
 * server's query drops a name without {@code =} from its values, so {@code ?decision} filtered
 * nothing and {@code ?decision&decision=deny} counted as given once (until session 40), and an
 * empty {@code reason} is the start of every reason.
 */
final class QueryParameters {
    private QueryParameters() {
    }

    /**
     * Answers 400 {@code bad-query} naming the first unknown, repeated or valueless parameter (in
     * name order) and returns false; true when every parameter is known and given once, with a value.
     * Read from the raw query string, since the parsed one forgets names given without {@code =}.
     */
    static boolean check(UriQuery query, Set<String> known, ServerResponse res) {
        if (query.isEmpty()) {
            // Every ingest request comes here: nothing to sort or compare.
            return true;
        }
        java.util.Map<String, Given> given = new java.util.TreeMap<>();
        for (String part : query.rawValue().split("&", -1)) {
            if (part.isEmpty()) {
                continue; // "a=1&&b=2", a trailing "&": no parameter
            }
            int equals = part.indexOf('=');
            String name = decoded(equals < 0 ? part : part.substring(0, equals));
            boolean valueless = equals < 0 || equals == part.length() - 1;
            given.merge(name, new Given(1, valueless), (a, b) -> new Given(a.times() + 1, a.valueless() || b.valueless()));
        }
        for (var entry : given.entrySet()) {
            String name = entry.getKey();
            FieldProblem problem = null;
            if (!known.contains(name)) {
                String takes = known.isEmpty() ? "no parameters" : String.join(", ", new TreeSet<>(known));
                problem = FieldProblem.showable(name)
                        ? new FieldProblem(name, "unknown_field", "is not a parameter of this endpoint; it takes " + takes)
                        : new FieldProblem("", "unknown_field",
                                "a parameter's name is not a parameter name (not shown: it may be personal data); this endpoint takes " + takes);
            } else if (entry.getValue().times() > 1) {
                problem = new FieldProblem(name, "duplicate_key", "is given more than once");
            } else if (entry.getValue().valueless()) {
                problem = new FieldProblem(name, "empty", "is given without a value; give it as " + name + "=value, or leave it out");
            }
            if (problem != null) {
                Responses.problem(res, Problem.of(400, "bad-query", "Bad Request", "see errors; parameters are named by pointer",
                        List.of(problem)));
                return false;
            }
        }
        return true;
    }

    /** How often one name was given, and whether once without a value. */
    private record Given(int times, boolean valueless) {
    }

    /**
     * A raw parameter name decoded as the web server decodes it ({@code %64ecision} is
     * {@code decision}); one that does not decode is kept raw, and is then no known name.
     */
    private static String decoded(String raw) {
        try {
            return java.net.URLDecoder.decode(raw, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return raw;
        }
    }

    /**
     * Reads parameter values, collecting a problem named by its parameter for each one that does
     * not parse or is out of range, so that one answer lists every bad value
     * ({@link #answered}).
     */
    static final class Values {
        private final UriQuery query;
        private final List<FieldProblem> problems = new java.util.ArrayList<>();

        Values(UriQuery query) {
            this.query = query;
        }

        /** A whole number in {@code min..max}, {@code otherwise} when the parameter is absent. */
        long wholeNumber(String name, long otherwise, long min, long max) {
            java.util.Optional<String> value = query.first(name).asOptional();
            if (value.isEmpty()) {
                return otherwise;
            }
            try {
                long n = Long.parseLong(value.get());
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException notANumber) {
                problems.add(new FieldProblem(name, "invalid_format", "must be a whole number from " + min + " to " + max));
                return otherwise;
            }
            problems.add(new FieldProblem(name, "out_of_range", "must be from " + min + " to " + max));
            return otherwise;
        }

        /** An ISO-8601 instant in {@code inRange}, empty when the parameter is absent or bad. */
        java.util.Optional<java.time.Instant> instant(String name, java.util.function.Predicate<java.time.Instant> inRange) {
            java.util.Optional<String> value = query.first(name).asOptional();
            if (value.isEmpty()) {
                return java.util.Optional.empty();
            }
            try {
                java.time.Instant instant = java.time.Instant.parse(value.get());
                if (inRange.test(instant)) {
                    return java.util.Optional.of(instant);
                }
                problems.add(new FieldProblem(name, "out_of_range", "must lie in the years 0000 to 9999"));
            } catch (java.time.format.DateTimeParseException notAnInstant) {
                problems.add(new FieldProblem(name, "invalid_format", "must be an ISO-8601 instant such as 2026-11-01T00:00:00Z"));
            }
            return java.util.Optional.empty();
        }

        /** Records a problem found by the caller. */
        void problem(FieldProblem problem) {
            problems.add(problem);
        }

        /** Answers 400 {@code bad-query} listing every problem and returns true, when there was one. */
        boolean answered(ServerResponse res) {
            if (problems.isEmpty()) {
                return false;
            }
            Responses.problem(res, Problem.of(400, "bad-query", "Bad Request", "see errors; parameters are named by pointer",
                    List.copyOf(problems)));
            return true;
        }
    }
}
