package dev.sluice.privacy;

import java.util.Optional;

/**
 * One ad platform's normalization and hashing rules. Several destination types may share a
 * profile: Google Ads and GA4 both follow Google's user-provided-data rules. The rules
 * themselves live in {@code ProfileRules}, one table per profile.
 */
public enum HashingProfile {
    META, GOOGLE, TIKTOK, SNAPCHAT, PINTEREST, LINKEDIN, REDDIT, MICROSOFT;

    /**
     * The profile for a destination type as configured for a tenant: {@code meta},
     * {@code google_ads}, {@code ga4}, {@code tiktok}, {@code snapchat}, {@code pinterest},
     * {@code linkedin}, {@code reddit}, {@code microsoft}. Empty for types that carry no hashed
     * personal data of their own (for example a signed webhook) and for unknown types.
     */
    public static Optional<HashingProfile> forDestinationType(String type) {
        if (type == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(switch (type) {
            case "meta" -> META;
            case "google_ads", "ga4" -> GOOGLE;
            case "tiktok" -> TIKTOK;
            case "snapchat" -> SNAPCHAT;
            case "pinterest" -> PINTEREST;
            case "linkedin" -> LINKEDIN;
            case "reddit" -> REDDIT;
            case "microsoft" -> MICROSOFT;
            default -> null;
        });
    }
}
