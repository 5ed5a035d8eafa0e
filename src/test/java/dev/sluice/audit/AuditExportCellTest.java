package dev.sluice.audit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A cell of the audit CSV export: event ids and rule ids are merchant input, and a privacy officer
 * opens the export in a spreadsheet, which runs a cell that starts with = + - @ (or a tab or
 * carriage return) as a formula. Such cells get a leading apostrophe; commas, quotes and line
 * breaks are quoted as RFC 4180 says.
 */
class AuditExportCellTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "order-1|order-1",
            "=HYPERLINK(1)|'=HYPERLINK(1)",
            "+1|'+1",
            "-1|'-1",
            "@SUM(A1)|'@SUM(A1)",
            "`\t=1`|`'\t=1`",
            "a,b|\"a,b\"",
            "=1,2|\"'=1,2\"",
            "say \"hi\"|\"say \"\"hi\"\"\"",
    })
    void formulasAreDefusedAndSeparatorsQuoted(String value, String cell) {
        assertEquals(cell, AuditExport.cell(value));
    }
}
