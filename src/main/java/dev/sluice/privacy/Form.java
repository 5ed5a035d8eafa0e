package dev.sluice.privacy;

/**
 * The normalized string shapes a platform can ask for. One field may have several shapes (an
 * email is hashed lower-cased for Meta but alias-free for Reddit); {@link ProfileRules} picks one
 * per platform and field, and {@link Canonical#render(Form)} produces it.
 */
enum Form {
    /** Trimmed, lower-cased: {@code jo.hn+x@gmail.com}. */
    EMAIL_LOWER,
    /** As {@link #EMAIL_LOWER}, and for gmail.com/googlemail.com without dots and +suffix. */
    EMAIL_GOOGLE,
    /** As {@link #EMAIL_LOWER}, without dots and +alias in the local part for every domain. */
    EMAIL_NO_ALIAS,
    /** Country code and national number, digits only: {@code 16505551212}. */
    PHONE_DIGITS,
    /** E.164 with the plus: {@code +16505551212}. */
    PHONE_E164,
    /** E.164, except China (+86): the national number alone. */
    PHONE_TIKTOK,
    /** Lower-cased NFC letters, punctuation and symbols removed, spaces collapsed. */
    NAME_LETTERS,
    /** Lower-cased NFC, trimmed, without courtesy titles and suffixes ({@code Mrs.}, {@code Jr.}), otherwise as given. */
    NAME_LOWER,
    /** Lower-cased letters only: {@code menlopark}. */
    CITY_COMPACT,
    /** Lower-cased letters and single spaces: {@code menlo park}. */
    CITY_SPACED,
    /** Two-letter code for US states and Canadian provinces, else lower-cased letters/digits. */
    STATE,
    /** Lower-cased letters and digits; US ZIP codes cut to five digits. */
    ZIP,
    /** {@code YYYYMMDD}. */
    DATE,
    /** {@code f} or {@code m}. */
    GENDER,
    /** ISO 3166-1 alpha-2, lower case: {@code us}. */
    COUNTRY_LOWER,
    /** ISO 3166-1 alpha-2, upper case: {@code US}, as Google and LinkedIn print it. */
    COUNTRY_UPPER,
    /** Trimmed, case kept. */
    EXTERNAL_ID
}
