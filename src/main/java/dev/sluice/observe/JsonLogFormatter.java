package dev.sluice.observe;

import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One JSON object per log line. A thrown exception is rendered as its class and stack frames
 * only, never its message: messages of library exceptions (JSON parsers, JDBC drivers) can quote
 * the input they choked on, and input may be personal data.
 */
public final class JsonLogFormatter extends Formatter {

    @Override
    public String format(LogRecord record) {
        StringBuilder out = new StringBuilder(256);
        out.append("{\"ts\":\"").append(Instant.ofEpochMilli(record.getMillis())).append('"');
        out.append(",\"level\":\"").append(record.getLevel().getName()).append('"');
        out.append(",\"logger\":");
        quote(out, record.getLoggerName() == null ? "" : record.getLoggerName());
        out.append(",\"msg\":");
        quote(out, message(record));
        Throwable thrown = record.getThrown();
        if (thrown != null) {
            out.append(",\"error\":");
            quote(out, thrown.getClass().getName());
            StringBuilder frames = new StringBuilder();
            StackTraceElement[] stack = thrown.getStackTrace();
            for (int i = 0; i < Math.min(stack.length, 12); i++) {
                frames.append(stack[i]).append('\n');
            }
            out.append(",\"stack\":");
            quote(out, frames.toString());
        }
        return out.append("}\n").toString();
    }

    /**
     * The message with its parameters, numbers written plainly: {@link java.text.MessageFormat}
     * groups digits by the locale ({@code after_seq=50,022}), which breaks {@code key=value}
     * parsing of the log.
     */
    private String message(LogRecord record) {
        Object[] params = record.getParameters();
        String pattern = record.getMessage();
        if (params != null && pattern != null) {
            Object[] plain = params.clone();
            boolean changed = false;
            for (int i = 0; i < plain.length; i++) {
                // Only a plain {i}: a typed one ({1,number,#}) formats its number itself, and a
                // string there would make the whole pattern fail and be logged unformatted.
                if (pattern.contains("{" + i + ",") || !pattern.contains("{" + i + "}")) {
                    continue;
                }
                if (plain[i] instanceof java.math.BigDecimal d) {
                    plain[i] = d.toPlainString();
                    changed = true;
                } else if (plain[i] instanceof Number n) {
                    plain[i] = n.toString();
                    changed = true;
                }
            }
            if (changed) {
                record.setParameters(plain);
            }
        }
        return formatMessage(record);
    }

    static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
