package dev.sluice.ledger;

import dev.sluice.config.LedgerSettings;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Configured exchange rates. A pair's dated rates apply from their date until the next one; a
 * fixed rate applies on days before the first dated rate, or always when the pair has no dated
 * rates. Only the configured direction is used: a rate is never inverted (inverting a decimal
 * rounds) and never assumed to be 1.
 */
final class FxRates {

    private record Pair(String from, String to) {
    }

    private final Map<Pair, TreeMap<LocalDate, LedgerSettings.FxRate>> dated = new HashMap<>();
    private final Map<Pair, LedgerSettings.FxRate> fixed = new HashMap<>();

    FxRates(List<LedgerSettings.FxRate> rates) {
        for (LedgerSettings.FxRate rate : rates) {
            Pair pair = new Pair(rate.from(), rate.to());
            if (rate.effective().isPresent()) {
                dated.computeIfAbsent(pair, p -> new TreeMap<>()).put(rate.effective().get(), rate);
            } else {
                fixed.put(pair, rate);
            }
        }
    }

    /** The rate converting {@code from} into {@code to} on {@code day}; empty when none is configured. */
    Optional<LedgerSettings.FxRate> rate(String from, String to, LocalDate day) {
        if (from.equals(to)) {
            return Optional.of(new LedgerSettings.FxRate(from, to, Optional.empty(), BigDecimal.ONE));
        }
        Pair pair = new Pair(from, to);
        TreeMap<LocalDate, LedgerSettings.FxRate> byDay = dated.get(pair);
        if (byDay != null) {
            Map.Entry<LocalDate, LedgerSettings.FxRate> entry = byDay.floorEntry(day);
            if (entry != null) {
                return Optional.of(entry.getValue());
            }
        }
        return Optional.ofNullable(fixed.get(pair));
    }
}
