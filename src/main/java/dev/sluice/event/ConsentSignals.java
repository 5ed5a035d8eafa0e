package dev.sluice.event;

import java.util.Optional;

/**
 * Consent signals as the merchant sent them. Interpreting them is the consent stage's job; the
 * parser only checks their shape.
 *
 * @param adStorage          Consent Mode v2 {@code ad_storage}
 * @param adUserData         Consent Mode v2 {@code ad_user_data}
 * @param adPersonalization  Consent Mode v2 {@code ad_personalization}
 * @param analyticsStorage   Consent Mode v2 {@code analytics_storage}
 * @param tcf                IAB TCF v2.2 TC string
 * @param gpc                Global Privacy Control
 * @param usPrivacy          IAB US Privacy string, e.g. {@code 1YNN}
 * @param optOut             explicit opt-out flag
 * @param jurisdiction       explicit jurisdiction ({@code DE}, {@code US-CA}) that overrides the one
 *                           derived from the user's country and state, e.g. when the merchant
 *                           knows where the shopper was rather than their billing address
 */
public record ConsentSignals(Optional<Flag> adStorage,
                             Optional<Flag> adUserData,
                             Optional<Flag> adPersonalization,
                             Optional<Flag> analyticsStorage,
                             Optional<String> tcf,
                             Optional<Boolean> gpc,
                             Optional<String> usPrivacy,
                             Optional<Boolean> optOut,
                             Optional<String> jurisdiction) {

    /** Signals without a jurisdiction override. */
    public ConsentSignals(Optional<Flag> adStorage, Optional<Flag> adUserData, Optional<Flag> adPersonalization,
                          Optional<Flag> analyticsStorage, Optional<String> tcf, Optional<Boolean> gpc,
                          Optional<String> usPrivacy, Optional<Boolean> optOut) {
        this(adStorage, adUserData, adPersonalization, analyticsStorage, tcf, gpc, usPrivacy, optOut, Optional.empty());
    }

    /** A Consent Mode v2 flag value. */
    public enum Flag { GRANTED, DENIED }

    /** No signals at all. */
    public static ConsentSignals none() {
        return new ConsentSignals(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
