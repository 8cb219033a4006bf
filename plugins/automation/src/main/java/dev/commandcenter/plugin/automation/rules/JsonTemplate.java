package dev.commandcenter.plugin.automation.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A JSON value of the rules file whose texts are {@link Template}s: a webhook body or OBS request data. It renders
 * into a Jackson tree, so a viewer's text always lands inside a JSON string, escaped by Jackson.
 * <p>
 * <b>Note:</b> immutable.
 */
public final class JsonTemplate
{
    private final Template text;
    private final JsonNode constant;
    private final Map<String, JsonTemplate> fields;
    private final List<JsonTemplate> items;

    private JsonTemplate(
        final Template text, final JsonNode constant, final Map<String, JsonTemplate> fields, final List<JsonTemplate> items)
    {
        this.text = text;
        this.constant = constant;
        this.fields = fields;
        this.items = items;
    }

    /**
     * A JSON string filled from a template.
     *
     * @param text the template.
     * @return the value.
     */
    public static JsonTemplate text(final Template text)
    {
        return new JsonTemplate(text, null, null, null);
    }

    /**
     * A constant value (number, boolean, null).
     *
     * @param value the value.
     * @return the value.
     */
    public static JsonTemplate constant(final JsonNode value)
    {
        return new JsonTemplate(null, value, null, null);
    }

    /**
     * An object of values, in the given order.
     *
     * @param fields by name.
     * @return the value.
     */
    public static JsonTemplate object(final Map<String, JsonTemplate> fields)
    {
        return new JsonTemplate(null, null, fields, null);
    }

    /**
     * An array of values.
     *
     * @param items in order.
     * @return the value.
     */
    public static JsonTemplate array(final List<JsonTemplate> items)
    {
        return new JsonTemplate(null, null, null, items);
    }

    static JsonTemplate number(final String text)
    {
        return constant(JsonNodeFactory.instance.numberNode(new BigDecimal(text)));
    }

    static JsonTemplate bool(final boolean value)
    {
        return constant(JsonNodeFactory.instance.booleanNode(value));
    }

    /**
     * Render into a new Jackson tree.
     *
     * @param values gives each placeholder's value by name.
     * @return the tree.
     */
    public JsonNode render(final Function<String, String> values)
    {
        if (null != text)
        {
            return JsonNodeFactory.instance.textNode(text.render(values));
        }
        if (null != constant)
        {
            return constant;
        }
        if (null != fields)
        {
            final ObjectNode object = JsonNodeFactory.instance.objectNode();
            fields.forEach((name, value) -> object.set(name, value.render(values)));
            return object;
        }
        final ArrayNode array = JsonNodeFactory.instance.arrayNode();
        for (final JsonTemplate item : items)
        {
            array.add(item.render(values));
        }
        return array;
    }
}
