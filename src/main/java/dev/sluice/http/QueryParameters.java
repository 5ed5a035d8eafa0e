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
 * would be a guess.
 */
final class QueryParameters {
    private QueryParameters() {
    }

    /**
     * Answers 400 {@code bad-query} naming the first unknown or repeated parameter (in name order)
     * and returns false; true when every parameter is known and given once.
     */
    static boolean check(UriQuery query, Set<String> known, ServerResponse res) {
        for (String name : new TreeSet<>(query.names())) {
            FieldProblem problem = null;
            if (!known.contains(name)) {
                String takes = known.isEmpty() ? "no parameters" : String.join(", ", new TreeSet<>(known));
                problem = FieldProblem.showable(name)
                        ? new FieldProblem(name, "unknown_field", "is not a parameter of this endpoint; it takes " + takes)
                        : new FieldProblem("", "unknown_field",
                                "a parameter's name is not a parameter name (not shown: it may be personal data); this endpoint takes " + takes);
            } else if (query.all(name).size() > 1) {
                problem = new FieldProblem(name, "duplicate_key", "is given more than once");
            }
            if (problem != null) {
                Responses.problem(res, Problem.of(400, "bad-query", "Bad Request", "see errors; parameters are named by pointer",
                        List.of(problem)));
                return false;
            }
        }
        return true;
    }
}
