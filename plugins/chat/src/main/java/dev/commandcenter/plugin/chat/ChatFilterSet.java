package dev.commandcenter.plugin.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The chat's word and link filters, as the streamer writes them (a YAML file the app reads into a map) and as they
 * travel in a {@code ChatFilters} event (canonical JSON). Keys:
 * <ul>
 *     <li>{@code words}: list of words or phrases, matched case-insensitively as whole words on a folded form
 *     (NFKC, lower case);</li>
 *     <li>{@code patterns}: list of Java regular expressions, found anywhere in the text;</li>
 *     <li>{@code links}: {@code allow} (anyone may post links), {@code moderators} (the default: only moderators and
 *     the streamer may) or {@code block} (nobody but the streamer);</li>
 *     <li>{@code allowedDomains}: domains whose links are always allowed, subdomains included.</li>
 * </ul>
 * Links are scheme URLs ({@code https://...}), {@code www.} names and bare domain names with a known top-level
 * domain ({@code example.com}).
 * <p>
 * <b>Note:</b> immutable and thread safe.
 */
public final class ChatFilterSet
{
    /** Key: blocked words. */
    public static final String WORDS_KEY = "words";
    /** Key: blocked patterns. */
    public static final String PATTERNS_KEY = "patterns";
    /** Key: who may post links. */
    public static final String LINKS_KEY = "links";
    /** Key: domains always allowed. */
    public static final String ALLOWED_DOMAINS_KEY = "allowedDomains";
    /** Most words in a filter set. */
    public static final int MAX_WORDS = 5000;
    /** Most patterns in a filter set. */
    public static final int MAX_PATTERNS = 200;

    /** Who may post links. */
    public enum Links
    {
        /** Anyone. */
        ALLOW,
        /** Moderators and the streamer only. */
        MODERATORS,
        /** Nobody but the streamer. */
        BLOCK;

        /**
         * Name used in the filter file.
         *
         * @return {@code allow}, {@code moderators} or {@code block}.
         */
        public String label()
        {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> KEYS = List.of(ALLOWED_DOMAINS_KEY, LINKS_KEY, PATTERNS_KEY, WORDS_KEY);
    private static final Set<String> TLDS = Set.of(
        "com", "net", "org", "io", "gg", "tv", "me", "co", "uk", "de", "fr", "ru", "xyz", "info", "biz", "app", "dev",
        "ly", "be", "us", "ca", "au", "jp", "cn", "in", "br", "link", "live", "site", "online", "shop", "top", "club",
        "store", "tech", "ai", "to", "cc", "ws", "su", "nl", "es", "it", "pl", "se", "ch", "at", "eu", "nz",
        "gl", "sh", "pw", "tk", "ml", "ga", "cf", "gq", "fun", "lol", "win", "bid", "click", "download", "stream",
        "chat", "social", "news", "media", "money", "cash", "bet", "casino", "porn", "sex", "xxx", "edu", "gov");
    private static final Pattern LINK = Pattern.compile(
        "(?i)\\b[a-z][a-z0-9+.-]*://[^\\s/?#]+|\\bwww\\.[^\\s/?#]+|" +
        "\\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+([a-z]{2,24})\\b");

    private static final ChatFilterSet DEFAULTS = new ChatFilterSet(List.of(), List.of(), Links.MODERATORS, List.of());

    private final List<String> words;
    private final List<Pattern> patterns;
    private final Links links;
    private final List<String> allowedDomains;

    private ChatFilterSet(
        final List<String> words, final List<Pattern> patterns, final Links links, final List<String> allowedDomains)
    {
        this.words = words;
        this.patterns = patterns;
        this.links = links;
        this.allowedDomains = allowedDomains;
    }

    /**
     * No words, no patterns, links from moderators only.
     *
     * @return the default filter set.
     */
    public static ChatFilterSet defaults()
    {
        return DEFAULTS;
    }

    /**
     * Read a filter set from a map, as parsed from a YAML or JSON file.
     *
     * @param values the keys above; null reads as empty.
     * @return the filter set.
     * @throws IllegalArgumentException with one line naming the wrong key and what was expected, such as
     *                                  {@code words: expected a list of strings, got 5}.
     */
    public static ChatFilterSet fromMap(final Map<String, ?> values)
    {
        if (null == values)
        {
            return DEFAULTS;
        }
        for (final String key : values.keySet())
        {
            if (!KEYS.contains(key))
            {
                throw new IllegalArgumentException("unknown key '" + key + "', expected one of " + KEYS);
            }
        }

        final TreeSet<String> words = new TreeSet<>();
        for (final String word : strings(WORDS_KEY, values.get(WORDS_KEY), MAX_WORDS))
        {
            final String folded = Neutralise.fold(Neutralise.neutralise(word));
            if (folded.isEmpty())
            {
                throw new IllegalArgumentException(WORDS_KEY + ": expected non-empty words, got '" + word + "'");
            }
            words.add(folded);
        }

        final List<Pattern> patterns = new ArrayList<>();
        final List<String> seenPatterns = new ArrayList<>();
        for (final String pattern : strings(PATTERNS_KEY, values.get(PATTERNS_KEY), MAX_PATTERNS))
        {
            if (seenPatterns.contains(pattern))
            {
                continue;
            }
            try
            {
                patterns.add(Pattern.compile(pattern));
                seenPatterns.add(pattern);
            }
            catch (final PatternSyntaxException ex)
            {
                throw new IllegalArgumentException(PATTERNS_KEY + ": '" + pattern +
                    "' is not a valid regular expression: " + ex.getDescription());
            }
        }

        final Object linksValue = values.get(LINKS_KEY);
        Links links = Links.MODERATORS;
        if (null != linksValue)
        {
            links = null;
            for (final Links candidate : Links.values())
            {
                if (candidate.label().equals(String.valueOf(linksValue).trim().toLowerCase(Locale.ROOT)))
                {
                    links = candidate;
                }
            }
            if (null == links || !(linksValue instanceof String))
            {
                throw new IllegalArgumentException(
                    LINKS_KEY + ": expected allow, moderators or block, got '" + linksValue + "'");
            }
        }

        final TreeSet<String> domains = new TreeSet<>();
        for (final String domain : strings(ALLOWED_DOMAINS_KEY, values.get(ALLOWED_DOMAINS_KEY), MAX_WORDS))
        {
            String name = domain.trim().toLowerCase(Locale.ROOT);
            while (name.startsWith("*.") || name.startsWith("."))
            {
                name = name.substring(name.indexOf('.') + 1);
            }
            if (!name.matches("[a-z0-9-]+(\\.[a-z0-9-]+)+"))
            {
                throw new IllegalArgumentException(ALLOWED_DOMAINS_KEY +
                    ": expected domain names such as example.com, got '" + domain + "'");
            }
            domains.add(name);
        }

        return new ChatFilterSet(
            List.copyOf(words), Collections.unmodifiableList(patterns), links, List.copyOf(domains));
    }

    /**
     * Read a filter set from its JSON form, as carried by a {@code ChatFilters} event.
     *
     * @param json a JSON object with the keys above.
     * @return the filter set.
     * @throws IllegalArgumentException with one line naming what is wrong.
     */
    @SuppressWarnings("unchecked")
    public static ChatFilterSet fromJson(final String json)
    {
        final Object parsed;
        try
        {
            parsed = MAPPER.readValue(null == json ? "" : json, Object.class);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalArgumentException("filters: expected a JSON object, got text that does not parse: " +
                ex.getOriginalMessage().replace('\n', ' '));
        }
        if (!(parsed instanceof Map))
        {
            throw new IllegalArgumentException("filters: expected a JSON object, got " + describe(parsed));
        }
        return fromMap((Map<String, ?>)parsed);
    }

    /**
     * The canonical JSON form: keys in alphabetical order, words folded, de-duplicated and sorted, domains lower case
     * and sorted, patterns in their given order; equal filter sets give equal text.
     *
     * @return the JSON text.
     */
    public String toJson()
    {
        final ObjectNode root = MAPPER.createObjectNode();
        final ArrayNode domains = root.putArray(ALLOWED_DOMAINS_KEY);
        allowedDomains.forEach(domains::add);
        root.put(LINKS_KEY, links.label());
        final ArrayNode patternArray = root.putArray(PATTERNS_KEY);
        patterns.forEach(pattern -> patternArray.add(pattern.pattern()));
        final ArrayNode wordArray = root.putArray(WORDS_KEY);
        words.forEach(wordArray::add);
        return root.toString();
    }

    /**
     * The folded blocked words.
     *
     * @return the words, sorted.
     */
    public List<String> words()
    {
        return words;
    }

    /**
     * The blocked patterns.
     *
     * @return the patterns in their given order.
     */
    public List<String> patterns()
    {
        final List<String> sources = new ArrayList<>(patterns.size());
        patterns.forEach(pattern -> sources.add(pattern.pattern()));
        return sources;
    }

    /**
     * Who may post links.
     *
     * @return the policy.
     */
    public Links links()
    {
        return links;
    }

    /**
     * Domains whose links are always allowed.
     *
     * @return the domains, sorted.
     */
    public List<String> allowedDomains()
    {
        return allowedDomains;
    }

    /**
     * Whether a neutralised text contains a blocked word, as a whole word of its folded form.
     *
     * @param text neutralised text.
     * @return true when it does.
     */
    public boolean hasBlockedWord(final String text)
    {
        if (words.isEmpty())
        {
            return false;
        }
        final String folded = Neutralise.fold(text);
        for (final String word : words)
        {
            if (wordAt(folded, word, 0) >= 0)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a neutralised text matches a blocked pattern.
     *
     * @param text neutralised text.
     * @return true when one pattern is found in it.
     */
    public boolean matchesPattern(final String text)
    {
        for (final Pattern pattern : patterns)
        {
            if (pattern.matcher(text).find())
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a text holds a link to a domain that is not in {@link #allowedDomains()}.
     *
     * @param text neutralised text.
     * @return true when it does.
     */
    public boolean hasDisallowedLink(final String text)
    {
        final Matcher matcher = LINK.matcher(text);
        while (matcher.find())
        {
            final String tld = matcher.group(1);
            if (null != tld && !isTopLevelDomain(tld))
            {
                continue;
            }
            if (!isAllowedHost(host(matcher.group())))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Mask blocked words and pattern matches with {@code *}, one per character: for paid messages, which show whatever
     * they say because the money is already paid.
     *
     * @param text neutralised text.
     * @return the text with blocked words masked.
     */
    public String mask(final String text)
    {
        if (words.isEmpty() && patterns.isEmpty())
        {
            return text;
        }
        final StringBuilder masked = new StringBuilder(text);
        final String folded = Neutralise.fold(text);
        if (folded.length() == text.length())
        {
            for (final String word : words)
            {
                int at = wordAt(folded, word, 0);
                while (at >= 0)
                {
                    for (int i = at; i < at + word.length(); i++)
                    {
                        masked.setCharAt(i, '*');
                    }
                    at = wordAt(folded, word, at + word.length());
                }
            }
        }
        else
        {
            String current = text;
            for (final String word : words)
            {
                current = Pattern.compile("(?iu)(?<![\\p{L}\\p{N}])" + Pattern.quote(word) + "(?![\\p{L}\\p{N}])")
                    .matcher(current).replaceAll(result -> "*".repeat(result.group().length()));
            }
            masked.setLength(0);
            masked.append(current);
        }
        for (final Pattern pattern : patterns)
        {
            final Matcher matcher = pattern.matcher(masked);
            final String replaced = matcher.replaceAll(result -> "*".repeat(result.group().length()));
            masked.setLength(0);
            masked.append(replaced);
        }
        return masked.toString();
    }

    /**
     * {@inheritDoc}
     */
    public boolean equals(final Object other)
    {
        return other instanceof ChatFilterSet that && toJson().equals(that.toJson());
    }

    /**
     * {@inheritDoc}
     */
    public int hashCode()
    {
        return toJson().hashCode();
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return toJson();
    }

    private boolean isAllowedHost(final String host)
    {
        for (final String domain : allowedDomains)
        {
            if (host.equals(domain) || host.endsWith("." + domain))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean isTopLevelDomain(final String tld)
    {
        return TLDS.contains(tld.toLowerCase(Locale.ROOT));
    }

    private static String host(final String link)
    {
        String host = link.toLowerCase(Locale.ROOT);
        final int scheme = host.indexOf("://");
        if (scheme >= 0)
        {
            host = host.substring(scheme + 3);
        }
        final int at = host.lastIndexOf('@');
        if (at >= 0)
        {
            host = host.substring(at + 1);
        }
        final int port = host.indexOf(':');
        if (port >= 0)
        {
            host = host.substring(0, port);
        }
        while (host.endsWith("."))
        {
            host = host.substring(0, host.length() - 1);
        }
        return host;
    }

    private static int wordAt(final String folded, final String word, final int from)
    {
        int at = folded.indexOf(word, from);
        while (at >= 0)
        {
            final int end = at + word.length();
            final boolean startsWord = 0 == at || !Character.isLetterOrDigit(folded.codePointBefore(at));
            final boolean endsWord = end == folded.length() || !Character.isLetterOrDigit(folded.codePointAt(end));
            if (startsWord && endsWord)
            {
                return at;
            }
            at = folded.indexOf(word, at + 1);
        }
        return -1;
    }

    private static List<String> strings(final String key, final Object value, final int max)
    {
        if (null == value)
        {
            return List.of();
        }
        if (!(value instanceof List<?> list))
        {
            throw new IllegalArgumentException(key + ": expected a list of strings, got " + describe(value));
        }
        if (list.size() > max)
        {
            throw new IllegalArgumentException(key + ": expected at most " + max + " entries, got " + list.size());
        }
        final List<String> strings = new ArrayList<>(list.size());
        for (final Object item : list)
        {
            if (!(item instanceof String text))
            {
                throw new IllegalArgumentException(key + ": expected a list of strings, got an entry " + describe(item));
            }
            strings.add(text);
        }
        return strings;
    }

    private static String describe(final Object value)
    {
        if (value instanceof Map<?, ?>)
        {
            return "an object";
        }
        if (value instanceof String text)
        {
            return "'" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'";
        }
        return String.valueOf(value);
    }
}
