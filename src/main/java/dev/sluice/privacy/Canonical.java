package dev.sluice.privacy;

/**
 * A validated personal value, parsed once per event, that renders the string shapes the
 * platforms ask for. Rendering never fails and never yields an empty string: everything that
 * could go wrong was checked when the value was parsed.
 */
sealed interface Canonical
        permits Canonical.Prehashed, Canonical.Single, Canonical.Country, Canonical.Words,
                Emails.Address, Phones.Number {

    /** The value in the given shape; the shape must belong to this value's field. */
    String render(Form form);

    /** A value the merchant sent already hashed (64 hex characters): passed through, never re-hashed. */
    record Prehashed(String hex) implements Canonical {
        @Override
        public String render(Form form) {
            return hex;
        }

        @Override
        public String toString() {
            return "Prehashed[redacted]";
        }
    }

    /** A value with one shape only (date, gender, state, zip, external id). */
    record Single(String value) implements Canonical {
        @Override
        public String render(Form form) {
            return value;
        }

        @Override
        public String toString() {
            return "Single[redacted]";
        }
    }

    /** An ISO 3166-1 alpha-2 code, upper case. */
    record Country(String alpha2) implements Canonical {
        @Override
        public String render(Form form) {
            return switch (form) {
                case COUNTRY_UPPER -> alpha2;
                case COUNTRY_LOWER -> Countries.lower(alpha2);
                default -> throw wrongForm(form);
            };
        }

        @Override
        public String toString() {
            return "Country[redacted]";
        }
    }

    /** A person or place name, trimmed, lower-cased and in NFC; rendered per platform. */
    record Words(String lower) implements Canonical {
        @Override
        public String render(Form form) {
            return switch (form) {
                case NAME_LOWER -> Texts.withoutTitles(lower);
                case NAME_LETTERS -> Texts.lettersDigitsAndSpaces(lower);
                case CITY_COMPACT -> Texts.letters(lower, false);
                case CITY_SPACED -> Texts.letters(lower, true);
                default -> throw wrongForm(form);
            };
        }

        @Override
        public String toString() {
            return "Words[redacted]";
        }
    }

    private static IllegalArgumentException wrongForm(Form form) {
        return new IllegalArgumentException("form " + form + " does not apply to this field");
    }
}
