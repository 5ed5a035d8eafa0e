package dev.sluice.privacy;

import java.time.LocalDate;
import java.time.YearMonth;

/**
 * Dates of birth in the formats merchants send, to {@code YYYYMMDD} (platforms.md §1 {@code db}):
 * {@code YYYY-MM-DD}, {@code YYYY/MM/DD}, {@code YYYYMMDD}, {@code M/D/YYYY} (US order, as in
 * Meta's example {@code 2/16/1997}) and {@code DD.MM.YYYY}. A slash with the year last is always
 * read month first: guessing day-first for some inputs would make the same string mean two dates.
 * A date after today is no date of birth: only the year used to be checked, so any later
 * day of the current year was hashed and sent.
 */
final class BirthDates {
    private static final int MIN_YEAR = 1900;

    private BirthDates() {
    }

    /**
     * Normalizes a trimmed, non-blank value; years before 1900 and dates after {@code latest} are
     * invalid.
     *
     * @param latest the latest possible date of birth: the date today somewhere on Earth
     */
    static String parse(String trimmed, LocalDate latest) {
        int[] parts = new int[3];
        int[] widths = new int[3];
        char separator = split(trimmed, parts, widths);
        int year;
        int month;
        int day;
        if (separator == 0 && widths[0] == 8) {
            year = parts[0] / 10000;
            month = parts[0] / 100 % 100;
            day = parts[0] % 100;
        } else if ((separator == '-' || separator == '/') && widths[0] == 4 && widths[1] <= 2 && widths[2] <= 2) {
            year = parts[0];
            month = parts[1];
            day = parts[2];
        } else if (separator == '/' && widths[0] <= 2 && widths[1] <= 2 && widths[2] == 4) {
            month = parts[0];
            day = parts[1];
            year = parts[2];
        } else if (separator == '.' && widths[0] <= 2 && widths[1] <= 2 && widths[2] == 4) {
            day = parts[0];
            month = parts[1];
            year = parts[2];
        } else {
            throw invalid();
        }
        if (year < MIN_YEAR || year > latest.getYear() || month < 1 || month > 12 || day < 1
                || day > YearMonth.of(year, month).lengthOfMonth() || LocalDate.of(year, month, day).isAfter(latest)) {
            throw invalid();
        }
        return new StringBuilder(8).append(year)
                .append((char) ('0' + month / 10)).append((char) ('0' + month % 10))
                .append((char) ('0' + day / 10)).append((char) ('0' + day % 10)).toString();
    }

    /**
     * Splits into one (no separator) or three numeric parts joined by one separator kind;
     * returns the separator, 0 for a single run of digits, or throws.
     */
    private static char split(String s, int[] parts, int[] widths) {
        char separator = 0;
        int part = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                if (widths[part] == 8) {
                    throw invalid();
                }
                parts[part] = parts[part] * 10 + (c - '0');
                widths[part]++;
            } else if ((c == '-' || c == '/' || c == '.') && (separator == 0 || separator == c)
                    && part < 2 && widths[part] > 0) {
                separator = c;
                part++;
            } else {
                throw invalid();
            }
        }
        if (separator != 0 && (part != 2 || widths[2] == 0)) {
            throw invalid();
        }
        return separator;
    }

    private static InvalidValueException invalid() {
        return new InvalidValueException("invalid_date",
                "must be a real date between 1900 and today, as YYYY-MM-DD, M/D/YYYY, DD.MM.YYYY or YYYYMMDD");
    }
}
