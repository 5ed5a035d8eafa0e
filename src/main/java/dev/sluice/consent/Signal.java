package dev.sluice.consent;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The signals a policy rule may test, by the name the policy file uses, with the values each can
 * take. A signal's value is read from the {@link SignalsSeen} of an event, so a decision can be
 * replayed from the audit log alone.
 */
enum Signal {
    AD_STORAGE("ad_storage", List.of("granted", "denied", "absent")),
    AD_USER_DATA("ad_user_data", List.of("granted", "denied", "absent")),
    AD_PERSONALIZATION("ad_personalization", List.of("granted", "denied", "absent")),
    ANALYTICS_STORAGE("analytics_storage", List.of("granted", "denied", "absent")),
    /** Judged against the destination type's TCF requirement (vendor and purposes). */
    TCF("tcf", List.of("granted", "refused", "absent")),
    GPC("gpc", List.of("true", "false")),
    US_PRIVACY("us_privacy", List.of("opt-out", "no-opt-out", "absent")),
    OPT_OUT("opt_out", List.of("true", "false"));

    private final String key;
    private final List<String> accepted;

    Signal(String key, List<String> accepted) {
        this.key = key;
        this.accepted = accepted;
    }

    /** The name in the policy file. */
    String key() {
        return key;
    }

    /** The values a rule may compare it with. */
    List<String> accepted() {
        return accepted;
    }

    static Optional<Signal> byKey(String key) {
        for (Signal signal : values()) {
            if (signal.key.equals(key)) {
                return Optional.of(signal);
            }
        }
        return Optional.empty();
    }

    /** This signal's value for one event and one destination type. */
    String valueIn(SignalsSeen seen, DestinationPolicy destination) {
        return switch (this) {
            case AD_STORAGE, AD_USER_DATA, AD_PERSONALIZATION, ANALYTICS_STORAGE ->
                    seen.consentMode().getOrDefault(key, "absent");
            case TCF -> seen.tcf().map(facts -> destination.tcf().grantedBy(facts) ? "granted" : "refused")
                    .orElse("absent");
            case GPC -> Boolean.toString(seen.gpc().orElse(false));
            case US_PRIVACY -> seen.usPrivacy().isEmpty() ? "absent"
                    : seen.usPrivacyOptOut() ? "opt-out" : "no-opt-out";
            case OPT_OUT -> Boolean.toString(seen.optOut().orElse(false));
        };
    }

    /** A policy value as written (YAML may hand us a Boolean), normalized for comparison. */
    static String normalize(Object value) {
        return String.valueOf(value).toLowerCase(Locale.ROOT);
    }
}
