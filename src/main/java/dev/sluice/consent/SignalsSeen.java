package dev.sluice.consent;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The consent facts a decision used, for the audit log. It holds no personal data: Consent Mode
 * flags, the TC string's decoded facts and hash, and booleans.
 *
 * @param consentMode Consent Mode v2 flags that were present, by name ({@code ad_user_data} ...),
 *                    valued {@code granted} or {@code denied}, in name order
 * @param tcf         the decoded TC string, when one was sent and could be decoded
 * @param gpc         Global Privacy Control: true when the event's {@code gpc} or the
 *                    {@code Sec-GPC: 1} header said so, false when the event said false, empty
 *                    when neither was sent
 * @param usPrivacy   the US Privacy string as sent, e.g. {@code 1YYN}
 * @param optOut      the merchant's explicit opt-out flag
 */
public record SignalsSeen(Map<String, String> consentMode, Optional<TcfFacts> tcf, Optional<Boolean> gpc,
                          Optional<String> usPrivacy, Optional<Boolean> optOut) {
    public SignalsSeen {
        consentMode = Collections.unmodifiableSortedMap(new TreeMap<>(consentMode));
    }

    /** True when the US Privacy string says the person opted out of sale ({@code 1?Y?}). */
    public boolean usPrivacyOptOut() {
        return usPrivacy.filter(s -> s.length() == 4 && Character.toUpperCase(s.charAt(2)) == 'Y').isPresent();
    }
}
