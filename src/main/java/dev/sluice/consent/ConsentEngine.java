package dev.sluice.consent;

import dev.sluice.event.ConsentSignals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides, per event and destination, what the shopper's consent allows: ALLOW, LIMITED or DENY,
 * with the ids of the policy rules that made each decision.
 *
 * <p>How a decision is made (see {@code docs/consent.md}):
 * <ol>
 *   <li>The event's country and US state select a jurisdiction and its model; no resolvable
 *       country selects the strictest model.</li>
 *   <li>The model's baseline decides when no rule speaks: DENY for an opt-in model, ALLOW for an
 *       opt-out one. Matching ALLOW rules lift an opt-in baseline (consent was given).</li>
 *   <li>Matching LIMITED and DENY rules restrict; the strictest outcome wins, so a refusal always
 *       beats a grant, whichever signal carried it.</li>
 *   <li>LIMITED for a platform with no limited-use mode becomes DENY.</li>
 * </ol>
 * Decisions are pure functions of the decoded signals, the jurisdiction, the destination type and
 * the policy: the same inputs give equal decisions, in the same order. Thread-safe.
 */
public final class ConsentEngine {
    /** Rule id of the fail-closed decision for a destination type the policy does not name. */
    static final String UNKNOWN_TYPE_RULE = "sluice.unknown-destination-type";

    /**
     * Evaluations without a TC string, by their inputs: how many are kept before the memo starts
     * over. Without a TC string an event's inputs are a few consent-mode flags, GPC, a US privacy
     * string and the jurisdiction, so a shop's traffic repeats a small set of them; evaluating them
     * again was about a tenth of an event's request-thread time (docs/benchmarks.md, session 22).
     * A TC string is different for every person and consent given, so those are evaluated each
     * time and never kept.
     */
    static final int MEMO_LIMIT = 512;

    private final ConsentPolicy policy;
    private final ConcurrentHashMap<MemoKey, Evaluation> memo = new ConcurrentHashMap<>();

    /**
     * Everything an evaluation depends on besides the policy. The jurisdiction is its label (id,
     * and the country and state codes as resolved): ids are unique in a policy and name its model,
     * and the memo keeps no text of the event's own (the country and state as sent are personal
     * fields, hashed and dropped at ingest).
     */
    private record MemoKey(ConsentSignals signals, String jurisdiction, boolean secGpcHeader,
                           List<DestinationRef> destinations) {
    }

    public ConsentEngine(ConsentPolicy policy) {
        this.policy = policy;
    }

    /** The policy decisions are made under. */
    public ConsentPolicy policy() {
        return policy;
    }

    /**
     * Decodes the signals once and decides for each destination. A malformed TC string is reported
     * in {@link Evaluation#problems()} and treated as absent; nothing here throws for bad input.
     *
     * @param signals       the event's consent signals as parsed
     * @param country       the event's country as posted (alpha-2, alpha-3 or English name)
     * @param region        the event's state as posted (US code or name)
     * @param secGpcHeader  true when the merchant forwarded {@code Sec-GPC: 1} for this event
     * @param destinations  the destinations to decide for
     */
    public Evaluation evaluate(ConsentSignals signals, Optional<String> country, Optional<String> region,
                               boolean secGpcHeader, List<DestinationRef> destinations) {
        Jurisdiction where = policy.jurisdiction(country, region);
        if (signals.tcf().isPresent()) {
            return evaluateNow(signals, where, secGpcHeader, destinations);
        }
        // Evaluations are immutable and a pure function of these inputs (class comment), so an
        // equal evaluation made earlier is the answer.
        String jurisdiction = where.label();
        Evaluation known = memo.get(new MemoKey(signals, jurisdiction, secGpcHeader, destinations));
        if (known != null) {
            return known;
        }
        Evaluation evaluation = evaluateNow(signals, where, secGpcHeader, destinations);
        if (memo.size() >= MEMO_LIMIT) {
            memo.clear();
        }
        // The caller's list may change later; the key keeps a copy.
        memo.put(new MemoKey(signals, jurisdiction, secGpcHeader, List.copyOf(destinations)), evaluation);
        return evaluation;
    }

    /** How many evaluations the memo holds (for tests). */
    int memoSize() {
        return memo.size();
    }

    private Evaluation evaluateNow(ConsentSignals signals, Jurisdiction where, boolean secGpcHeader,
                                   List<DestinationRef> destinations) {
        List<String> problems = new ArrayList<>();
        Optional<TcfFacts> tcf = Optional.empty();
        if (signals.tcf().isPresent()) {
            TcfDecoding.Result decoded = TcfDecoding.decode(signals.tcf().get(),
                    where.model().kind() == Model.Kind.OPT_IN);
            tcf = decoded.facts();
            decoded.problem().ifPresent(problems::add);
        }
        SignalsSeen seen = new SignalsSeen(consentMode(signals), tcf, gpc(signals.gpc(), secGpcHeader),
                signals.usPrivacy(), signals.optOut());
        List<ConsentDecision> decisions = destinations.stream().map(d -> decide(seen, where, d)).toList();
        return new Evaluation(seen, where.label(), decisions, problems);
    }

    /** One decision, from the decoded signals alone: what an audit replay would call. */
    ConsentDecision decide(SignalsSeen seen, Jurisdiction where, DestinationRef destination) {
        Optional<DestinationPolicy> found = policy.destination(destination.type());
        if (found.isEmpty()) {
            // Config validation keeps this from happening; if it does, sending nothing is safe.
            return new ConsentDecision(destination.id(), destination.type(), Decision.DENY,
                    List.of(UNKNOWN_TYPE_RULE), List.of("unknown_destination_type"), Restrictions.NOTHING,
                    where.label());
        }
        DestinationPolicy type = found.get();
        Model model = where.model();
        List<Rule> grants = new ArrayList<>();
        List<Rule> restrictions = new ArrayList<>();
        for (Rule rule : model.rules()) {
            if (rule.matches(seen, type)) {
                (rule.then() == Decision.ALLOW ? grants : restrictions).add(rule);
            }
        }
        Decision base = grants.isEmpty() ? model.kind().baseline() : Decision.ALLOW;
        Decision outcome = restrictions.stream().map(Rule::then).reduce(base, Decision::stricter);

        // The rules that made the outcome, in policy order: the restrictions that reached it, and
        // the grants or baseline when it is also the base (both explain a DENY without consent).
        List<String> ids = new ArrayList<>();
        Set<String> reasons = new LinkedHashSet<>();
        restrictions.stream().filter(r -> r.then() == outcome).forEach(r -> add(r.id(), r.reason(), ids, reasons));
        if (base == outcome) {
            if (grants.isEmpty()) {
                add(model.baseline().id(), model.baseline().reason(), ids, reasons);
            } else {
                grants.forEach(r -> add(r.id(), r.reason(), ids, reasons));
            }
        }
        return shape(destination, type, outcome, ids, reasons, seen, where);
    }

    /** Turns an outcome into a decision with its payload restrictions, applying the limited mode. */
    private static ConsentDecision shape(DestinationRef destination, DestinationPolicy type, Decision outcome,
                                         List<String> ids, Set<String> reasons, SignalsSeen seen,
                                         Jurisdiction where) {
        return switch (outcome) {
            case ALLOW -> decision(destination, Decision.ALLOW, ids, reasons,
                    new Restrictions(false, FlagTemplates.resolve(type.allowFlags(), seen, where)), where);
            case DENY -> decision(destination, Decision.DENY, ids, reasons, Restrictions.NOTHING, where);
            case LIMITED -> switch (type.limited()) {
                case DestinationPolicy.LimitedMode.Flags flags -> {
                    ids.add(flags.id());
                    yield decision(destination, Decision.LIMITED, ids, reasons,
                            new Restrictions(flags.stripUserData(), FlagTemplates.resolve(flags.flags(), seen, where)),
                            where);
                }
                case DestinationPolicy.LimitedMode.Unavailable unavailable -> {
                    add(unavailable.id(), "no_limited_mode", ids, reasons);
                    yield decision(destination, Decision.DENY, ids, reasons, Restrictions.NOTHING, where);
                }
            };
        };
    }

    private static void add(String id, String reason, List<String> ids, Set<String> reasons) {
        ids.add(id);
        reasons.add(reason);
    }

    private static ConsentDecision decision(DestinationRef destination, Decision decision, List<String> ids,
                                            Set<String> reasons, Restrictions restrictions, Jurisdiction where) {
        return new ConsentDecision(destination.id(), destination.type(), decision, ids, List.copyOf(reasons),
                restrictions, where.label());
    }

    private static Map<String, String> consentMode(ConsentSignals signals) {
        Map<String, String> flags = new LinkedHashMap<>();
        signals.adStorage().ifPresent(f -> flags.put("ad_storage", lower(f)));
        signals.adUserData().ifPresent(f -> flags.put("ad_user_data", lower(f)));
        signals.adPersonalization().ifPresent(f -> flags.put("ad_personalization", lower(f)));
        signals.analyticsStorage().ifPresent(f -> flags.put("analytics_storage", lower(f)));
        return flags;
    }

    private static String lower(ConsentSignals.Flag flag) {
        return flag.name().toLowerCase(Locale.ROOT);
    }

    // Either source of GPC turning it on turns it on: the header is the browser's own word.
    private static Optional<Boolean> gpc(Optional<Boolean> onEvent, boolean header) {
        return header ? Optional.of(true) : onEvent;
    }
}
