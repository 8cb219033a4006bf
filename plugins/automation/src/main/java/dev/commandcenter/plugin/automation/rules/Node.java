package dev.commandcenter.plugin.automation.rules;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A value of the rules file with where it was written: a map, a list or a scalar. Jackson's own tree loses
 * locations, so the file is read token by token into this small tree.
 */
final class Node
{
    enum Kind
    {
        MAP, LIST, STRING, NUMBER, BOOLEAN, NULL
    }

    final Kind kind;
    final int line;
    final int column;
    final String text;
    final Map<String, Node> map;
    final Map<String, int[]> keyLocations;
    final List<Node> list;

    private Node(final Kind kind, final int line, final int column, final String text)
    {
        this.kind = kind;
        this.line = line;
        this.column = column;
        this.text = text;
        this.map = Kind.MAP == kind ? new LinkedHashMap<>() : null;
        this.keyLocations = Kind.MAP == kind ? new LinkedHashMap<>() : null;
        this.list = Kind.LIST == kind ? new ArrayList<>() : null;
    }

    static Node scalar(final Kind kind, final int line, final int column, final String text)
    {
        return new Node(kind, line, column, text);
    }

    boolean isMap()
    {
        return Kind.MAP == kind;
    }

    boolean isList()
    {
        return Kind.LIST == kind;
    }

    boolean isScalar()
    {
        return Kind.STRING == kind || Kind.NUMBER == kind || Kind.BOOLEAN == kind;
    }

    Node get(final String key)
    {
        return null == map ? null : map.get(key);
    }

    /**
     * How the value reads in an error message: the scalar's text, or a short description of a map or list.
     *
     * @return the text.
     */
    String shown()
    {
        return switch (kind)
        {
            case MAP -> "a map";
            case LIST -> "a list";
            case NULL -> "";
            default -> text.length() > 80 ? text.substring(0, 77) + "..." : text;
        };
    }

    /**
     * Read one document into a tree.
     *
     * @param parser positioned before the first token.
     * @return the root, or null for an empty document.
     * @throws IOException on a syntax error (with its location).
     * @throws DuplicateKeyException when a map holds a key twice.
     */
    static Node read(final JsonParser parser) throws IOException
    {
        final JsonToken token = parser.nextToken();
        if (null == token)
        {
            return null;
        }
        return readValue(parser, token);
    }

    private static Node readValue(final JsonParser parser, final JsonToken token) throws IOException
    {
        final JsonLocation location = parser.currentTokenLocation();
        final int line = location.getLineNr();
        final int column = location.getColumnNr();
        switch (token)
        {
            case START_OBJECT:
            {
                final Node node = new Node(Kind.MAP, line, column, null);
                JsonToken next;
                while (JsonToken.FIELD_NAME == (next = parser.nextToken()))
                {
                    final String key = parser.currentName();
                    final JsonLocation keyLocation = parser.currentTokenLocation();
                    final Node value = readValue(parser, parser.nextToken());
                    if (node.map.containsKey(key))
                    {
                        throw new DuplicateKeyException(key, keyLocation.getLineNr(), keyLocation.getColumnNr());
                    }
                    node.map.put(key, value);
                    node.keyLocations.put(key, new int[]{ keyLocation.getLineNr(), keyLocation.getColumnNr() });
                }
                if (JsonToken.END_OBJECT != next)
                {
                    throw new IOException("unexpected " + next);
                }
                return node;
            }
            case START_ARRAY:
            {
                final Node node = new Node(Kind.LIST, line, column, null);
                JsonToken next;
                while (null != (next = parser.nextToken()) && JsonToken.END_ARRAY != next)
                {
                    node.list.add(readValue(parser, next));
                }
                return node;
            }
            case VALUE_STRING:
                return scalar(Kind.STRING, line, column, parser.getText());
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return scalar(Kind.NUMBER, line, column, parser.getText());
            case VALUE_TRUE:
            case VALUE_FALSE:
                return scalar(Kind.BOOLEAN, line, column, parser.getText());
            case VALUE_NULL:
                return scalar(Kind.NULL, line, column, "");
            default:
                return scalar(Kind.STRING, line, column, String.valueOf(parser.getText()));
        }
    }

    /** A key written twice in one map. */
    static final class DuplicateKeyException extends IOException
    {
        private static final long serialVersionUID = 1L;

        final String key;
        final int line;
        final int column;

        DuplicateKeyException(final String key, final int line, final int column)
        {
            super("duplicate key '" + key + "'");
            this.key = key;
            this.line = line;
            this.column = column;
        }
    }
}
