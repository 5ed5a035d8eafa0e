package dev.sluice.consent;

import dev.sluice.event.ConsentSignals;
import dev.sluice.event.ConsentSignals.Flag;

import java.util.Locale;
import java.util.Optional;

/**
 * Test signals written compactly, as in the CSV tables: {@code none}, or {@code ;}-separated items
 * such as {@code ad_user_data=granted;tcf=google;gpc=true;sec-gpc;us_privacy=1YYN;opt_out=true}.
 * TC string names: {@code google}, {@code purposes-only}, {@code reject-all}, {@code malformed}.
 */
record Signals(ConsentSignals consent, boolean secGpcHeader) {
    static final String MALFORMED_TC = "CPzHq4APzHq4AAfKABENB"; // truncated: not whole base64 units

    static Signals parse(String spec) {
        ConsentSignals s = ConsentSignals.none();
        boolean header = false;
        if (!spec.equals("none")) {
            for (String item : spec.split(";")) {
                String[] kv = item.strip().split("=", 2);
                String value = kv.length > 1 ? kv[1] : "";
                switch (kv[0]) {
                    case "ad_storage" -> s = new ConsentSignals(flag(value), s.adUserData(), s.adPersonalization(),
                            s.analyticsStorage(), s.tcf(), s.gpc(), s.usPrivacy(), s.optOut());
                    case "ad_user_data" -> s = new ConsentSignals(s.adStorage(), flag(value), s.adPersonalization(),
                            s.analyticsStorage(), s.tcf(), s.gpc(), s.usPrivacy(), s.optOut());
                    case "ad_personalization" -> s = new ConsentSignals(s.adStorage(), s.adUserData(), flag(value),
                            s.analyticsStorage(), s.tcf(), s.gpc(), s.usPrivacy(), s.optOut());
                    case "analytics_storage" -> s = new ConsentSignals(s.adStorage(), s.adUserData(),
                            s.adPersonalization(), flag(value), s.tcf(), s.gpc(), s.usPrivacy(), s.optOut());
                    case "tcf" -> s = new ConsentSignals(s.adStorage(), s.adUserData(), s.adPersonalization(),
                            s.analyticsStorage(), Optional.of(tc(value)), s.gpc(), s.usPrivacy(), s.optOut());
                    case "gpc" -> s = new ConsentSignals(s.adStorage(), s.adUserData(), s.adPersonalization(),
                            s.analyticsStorage(), s.tcf(), Optional.of(Boolean.parseBoolean(value)), s.usPrivacy(),
                            s.optOut());
                    case "sec-gpc" -> header = true;
                    case "us_privacy" -> s = new ConsentSignals(s.adStorage(), s.adUserData(), s.adPersonalization(),
                            s.analyticsStorage(), s.tcf(), s.gpc(), Optional.of(value), s.optOut());
                    case "opt_out" -> s = new ConsentSignals(s.adStorage(), s.adUserData(), s.adPersonalization(),
                            s.analyticsStorage(), s.tcf(), s.gpc(), s.usPrivacy(),
                            Optional.of(Boolean.parseBoolean(value)));
                    default -> throw new IllegalArgumentException("unknown test signal " + item);
                }
            }
        }
        return new Signals(s, header);
    }

    private static Optional<Flag> flag(String value) {
        return Optional.of(Flag.valueOf(value.toUpperCase(Locale.ROOT)));
    }

    private static String tc(String name) {
        return switch (name) {
            case "google" -> TcStrings.googleConsent();
            case "purposes-only" -> TcStrings.purposesWithoutGoogle();
            case "reject-all" -> TcStrings.rejectAll();
            case "malformed" -> MALFORMED_TC;
            default -> throw new IllegalArgumentException("unknown test TC string " + name);
        };
    }
}
