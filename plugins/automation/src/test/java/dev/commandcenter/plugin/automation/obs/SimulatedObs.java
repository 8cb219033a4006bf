package dev.commandcenter.plugin.automation.obs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The state of the simulated OBS (scenes with their items, inputs, hotkeys) and the requests that read and change it,
 * answering with obs-websocket's status codes and kinds of comment.
 * <p>
 * <b>Note:</b> not thread safe; the {@link ObsSimulator} calls it under its lock.
 */
final class SimulatedObs
{
    static final int SUCCESS = 100;
    static final int UNKNOWN_REQUEST_TYPE = 204;
    static final int MISSING_REQUEST_FIELD = 300;
    static final int INVALID_REQUEST_FIELD = 400;
    static final int INVALID_REQUEST_FIELD_TYPE = 401;
    static final int REQUEST_FIELD_EMPTY = 403;
    static final int RESOURCE_NOT_FOUND = 600;
    static final int INVALID_RESOURCE_TYPE = 602;
    static final int INVALID_RESOURCE_STATE = 604;

    static final int EVENT_GENERAL = 1;
    static final int EVENT_SCENES = 1 << 2;
    static final int EVENT_INPUTS = 1 << 3;
    static final int EVENT_SCENE_ITEMS = 1 << 7;
    static final int EVENT_MEDIA_INPUTS = 1 << 8;

    static final String OBS_VERSION = "30.2.3";
    static final String OBS_WEBSOCKET_VERSION = "5.5.4";

    private static final List<String> REQUEST_TYPES = List.of(
        "GetVersion", "GetSceneList", "GetCurrentProgramScene", "SetCurrentProgramScene", "GetSceneItemId",
        "GetSceneItemList", "SetSceneItemEnabled", "GetSceneItemEnabled", "GetInputList", "SetInputMute",
        "ToggleInputMute", "GetInputMute", "SetInputSettings", "GetInputSettings", "TriggerMediaInputAction",
        "GetMediaInputStatus", "GetHotkeyList", "TriggerHotkeyByName");

    private static final List<String> MEDIA_ACTIONS = List.of(
        "OBS_WEBSOCKET_MEDIA_INPUT_ACTION_NONE", "OBS_WEBSOCKET_MEDIA_INPUT_ACTION_PLAY",
        "OBS_WEBSOCKET_MEDIA_INPUT_ACTION_PAUSE", "OBS_WEBSOCKET_MEDIA_INPUT_ACTION_STOP",
        "OBS_WEBSOCKET_MEDIA_INPUT_ACTION_RESTART", "OBS_WEBSOCKET_MEDIA_INPUT_ACTION_NEXT",
        "OBS_WEBSOCKET_MEDIA_INPUT_ACTION_PREVIOUS");

    static final List<String> HOTKEYS = List.of(
        "OBSBasic.StartStreaming", "OBSBasic.StopStreaming", "OBSBasic.StartRecording", "OBSBasic.StopRecording",
        "OBSBasic.Screenshot", "OBSBasic.TransitionStudioMode", "ReplayBuffer.Save");

    /** An event to send to the sessions subscribed to its intent. */
    record Event(String eventType, int eventIntent, ObjectNode eventData)
    {
    }

    /** A request's answer, and the events it caused. */
    record Result(int code, String comment, ObjectNode responseData, List<Event> events)
    {
        boolean ok()
        {
            return SUCCESS == code;
        }
    }

    private static final class RequestError extends RuntimeException
    {
        private static final long serialVersionUID = 1L;
        private final int code;

        private RequestError(final int code, final String comment)
        {
            super(comment, null, false, false);
            this.code = code;
        }
    }

    private static final class Item
    {
        private final int id;
        private final String sourceName;
        private boolean enabled;

        private Item(final int id, final String sourceName, final boolean enabled)
        {
            this.id = id;
            this.sourceName = sourceName;
            this.enabled = enabled;
        }
    }

    private static final class Scene
    {
        private final String name;
        private final List<Item> items = new ArrayList<>();

        private Scene(final String name)
        {
            this.name = name;
        }
    }

    private static final class Input
    {
        private final String name;
        private final String kind;
        private final boolean audio;
        private final boolean media;
        private boolean muted;
        private ObjectNode settings;
        private String mediaState = "OBS_MEDIA_STATE_STOPPED";

        private Input(final String name, final String kind, final boolean audio, final boolean media, final ObjectNode settings)
        {
            this.name = name;
            this.kind = kind;
            this.audio = audio;
            this.media = media;
            this.settings = settings;
        }
    }

    private final ObjectMapper mapper;
    private final Map<String, Scene> scenes = new LinkedHashMap<>();
    private final Map<String, Input> inputs = new LinkedHashMap<>();
    private final List<String> hotkeysTriggered = new ArrayList<>();
    private String currentScene;

    SimulatedObs(final ObjectMapper mapper)
    {
        this.mapper = mapper;
        reset();
    }

    /** Back to the default scene collection: scenes Main, Celebration and BRB, their items and the inputs. */
    void reset()
    {
        scenes.clear();
        inputs.clear();
        hotkeysTriggered.clear();
        addInput(new Input("Mic", "wasapi_input_capture", true, false, mapper.createObjectNode().put("device_id", "default")));
        addInput(new Input("Desktop Audio", "wasapi_output_capture", true, false, mapper.createObjectNode()));
        addInput(new Input("Webcam", "dshow_input", false, false, mapper.createObjectNode()));
        addInput(new Input("Last tipper", "text_gdiplus_v3", false, false, mapper.createObjectNode().put("text", "")));
        addInput(new Input("Confetti", "image_source", false, false, mapper.createObjectNode().put("file", "confetti.gif")));
        addInput(new Input("Intro video", "ffmpeg_source", true, true,
            mapper.createObjectNode().put("local_file", "intro.mp4").put("looping", false)));
        final Scene main = addScene("Main");
        main.items.add(new Item(1, "Webcam", true));
        main.items.add(new Item(2, "Last tipper", true));
        final Scene celebration = addScene("Celebration");
        celebration.items.add(new Item(1, "Confetti", false));
        celebration.items.add(new Item(2, "Intro video", true));
        final Scene brb = addScene("BRB");
        brb.items.add(new Item(1, "Last tipper", true));
        currentScene = "Main";
    }

    String currentScene()
    {
        return currentScene;
    }

    Boolean inputMuted(final String name)
    {
        final Input input = inputs.get(name);
        return null == input ? null : input.muted;
    }

    String inputSettings(final String name)
    {
        final Input input = inputs.get(name);
        return null == input ? null : input.settings.toString();
    }

    String mediaState(final String name)
    {
        final Input input = inputs.get(name);
        return null == input ? null : input.mediaState;
    }

    Boolean sceneItemEnabled(final String sceneName, final String sourceName)
    {
        final Scene scene = scenes.get(sceneName);
        if (null != scene)
        {
            for (final Item item : scene.items)
            {
                if (item.sourceName.equals(sourceName))
                {
                    return item.enabled;
                }
            }
        }
        return null;
    }

    List<String> hotkeysTriggered()
    {
        return List.copyOf(hotkeysTriggered);
    }

    static String uuid(final String name)
    {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * Perform one request.
     *
     * @param requestType the type.
     * @param data        its requestData, or null.
     * @return the answer.
     */
    Result perform(final String requestType, final JsonNode data)
    {
        final List<Event> events = new ArrayList<>();
        final JsonNode d = null == data || !data.isObject() ? mapper.createObjectNode() : data;
        try
        {
            final ObjectNode response = dispatch(requestType, d, events);
            return new Result(SUCCESS, null, response, events);
        }
        catch (final RequestError ex)
        {
            return new Result(ex.code, ex.getMessage(), null, List.of());
        }
    }

    private ObjectNode dispatch(final String type, final JsonNode d, final List<Event> events)
    {
        return switch (type)
        {
            case "GetVersion" -> getVersion();
            case "GetSceneList" -> getSceneList();
            case "GetCurrentProgramScene" -> mapper.createObjectNode()
                .put("sceneName", currentScene).put("sceneUuid", uuid(currentScene))
                .put("currentProgramSceneName", currentScene).put("currentProgramSceneUuid", uuid(currentScene));
            case "SetCurrentProgramScene" -> setCurrentProgramScene(d, events);
            case "GetSceneItemId" -> getSceneItemId(d);
            case "GetSceneItemList" -> getSceneItemList(d);
            case "SetSceneItemEnabled" -> setSceneItemEnabled(d, events);
            case "GetSceneItemEnabled" -> mapper.createObjectNode().put("sceneItemEnabled", item(d).enabled);
            case "GetInputList" -> getInputList();
            case "SetInputMute" -> setInputMute(d, events);
            case "ToggleInputMute" -> toggleInputMute(d, events);
            case "GetInputMute" -> mapper.createObjectNode().put("inputMuted", audioInput(d).muted);
            case "SetInputSettings" -> setInputSettings(d, events);
            case "GetInputSettings" -> getInputSettings(d);
            case "TriggerMediaInputAction" -> triggerMediaInputAction(d, events);
            case "GetMediaInputStatus" -> mapper.createObjectNode()
                .put("mediaState", mediaInput(d).mediaState).put("mediaDuration", 30_000).put("mediaCursor", 0);
            case "GetHotkeyList" -> getHotkeyList();
            case "TriggerHotkeyByName" -> triggerHotkeyByName(d);
            default -> throw new RequestError(UNKNOWN_REQUEST_TYPE, "Your request type is not valid.");
        };
    }

    private ObjectNode getVersion()
    {
        final ObjectNode response = mapper.createObjectNode()
            .put("obsVersion", OBS_VERSION)
            .put("obsWebSocketVersion", OBS_WEBSOCKET_VERSION)
            .put("rpcVersion", 1)
            .put("platform", "simulator")
            .put("platformDescription", "Command Center OBS simulator");
        final ArrayNode available = response.putArray("availableRequests");
        REQUEST_TYPES.forEach(available::add);
        response.putArray("supportedImageFormats").add("png").add("jpg");
        return response;
    }

    private ObjectNode getSceneList()
    {
        final ObjectNode response = mapper.createObjectNode()
            .put("currentProgramSceneName", currentScene)
            .put("currentProgramSceneUuid", uuid(currentScene))
            .putNull("currentPreviewSceneName")
            .putNull("currentPreviewSceneUuid");
        final ArrayNode list = response.putArray("scenes");
        // obs-websocket lists scenes bottom up: the last scene of the UI has index 0.
        final List<String> names = new ArrayList<>(scenes.keySet());
        for (int i = names.size() - 1; i >= 0; i--)
        {
            list.addObject().put("sceneIndex", names.size() - 1 - i).put("sceneName", names.get(i))
                .put("sceneUuid", uuid(names.get(i)));
        }
        return response;
    }

    private ObjectNode setCurrentProgramScene(final JsonNode d, final List<Event> events)
    {
        final Scene scene = scene(d);
        if (!scene.name.equals(currentScene))
        {
            currentScene = scene.name;
            events.add(new Event("CurrentProgramSceneChanged", EVENT_SCENES,
                mapper.createObjectNode().put("sceneName", scene.name).put("sceneUuid", uuid(scene.name))));
        }
        return null;
    }

    private ObjectNode getSceneItemId(final JsonNode d)
    {
        final Scene scene = scene(d);
        final String sourceName = requireString(d, "sourceName");
        final int offset = d.has("searchOffset") ? requireNumber(d, "searchOffset") : 0;
        int seen = 0;
        for (final Item item : scene.items)
        {
            if (item.sourceName.equals(sourceName) && seen++ == offset)
            {
                return mapper.createObjectNode().put("sceneItemId", item.id);
            }
        }
        throw new RequestError(RESOURCE_NOT_FOUND,
            "No scene items were found in the specified scene by that name or offset.");
    }

    private ObjectNode getSceneItemList(final JsonNode d)
    {
        final Scene scene = scene(d);
        final ObjectNode response = mapper.createObjectNode();
        final ArrayNode list = response.putArray("sceneItems");
        int index = 0;
        for (final Item item : scene.items)
        {
            list.addObject().put("sceneItemId", item.id).put("sceneItemIndex", index++)
                .put("sourceName", item.sourceName).put("sourceUuid", uuid(item.sourceName))
                .put("sceneItemEnabled", item.enabled).put("inputKind", inputs.get(item.sourceName).kind);
        }
        return response;
    }

    private ObjectNode setSceneItemEnabled(final JsonNode d, final List<Event> events)
    {
        final Item item = item(d);
        final boolean enabled = requireBoolean(d, "sceneItemEnabled");
        item.enabled = enabled;
        final String sceneName = d.get("sceneName").asText();
        events.add(new Event("SceneItemEnableStateChanged", EVENT_SCENE_ITEMS, mapper.createObjectNode()
            .put("sceneName", sceneName).put("sceneUuid", uuid(sceneName))
            .put("sceneItemId", item.id).put("sceneItemEnabled", enabled)));
        return null;
    }

    private ObjectNode getInputList()
    {
        final ObjectNode response = mapper.createObjectNode();
        final ArrayNode list = response.putArray("inputs");
        for (final Input input : inputs.values())
        {
            list.addObject().put("inputName", input.name).put("inputUuid", uuid(input.name))
                .put("inputKind", input.kind).put("unversionedInputKind", input.kind);
        }
        return response;
    }

    private ObjectNode setInputMute(final JsonNode d, final List<Event> events)
    {
        final Input input = audioInput(d);
        final boolean muted = requireBoolean(d, "inputMuted");
        if (input.muted != muted)
        {
            input.muted = muted;
            events.add(muteChanged(input));
        }
        return null;
    }

    private ObjectNode toggleInputMute(final JsonNode d, final List<Event> events)
    {
        final Input input = audioInput(d);
        input.muted = !input.muted;
        events.add(muteChanged(input));
        return mapper.createObjectNode().put("inputMuted", input.muted);
    }

    private Event muteChanged(final Input input)
    {
        return new Event("InputMuteStateChanged", EVENT_INPUTS, mapper.createObjectNode()
            .put("inputName", input.name).put("inputUuid", uuid(input.name)).put("inputMuted", input.muted));
    }

    private ObjectNode setInputSettings(final JsonNode d, final List<Event> events)
    {
        final Input input = input(d);
        final JsonNode settings = d.get("inputSettings");
        if (null == settings || settings.isNull())
        {
            throw missing("inputSettings");
        }
        if (!settings.isObject())
        {
            throw new RequestError(INVALID_REQUEST_FIELD_TYPE, "The field value of `inputSettings` must be an object.");
        }
        final boolean overlay = !d.has("overlay") || requireBoolean(d, "overlay");
        if (overlay)
        {
            input.settings.setAll((ObjectNode)settings.deepCopy());
        }
        else
        {
            input.settings = ((ObjectNode)settings).deepCopy();
        }
        events.add(new Event("InputSettingsChanged", EVENT_INPUTS, mapper.createObjectNode()
            .put("inputName", input.name).put("inputUuid", uuid(input.name))
            .set("inputSettings", input.settings.deepCopy())));
        return null;
    }

    private ObjectNode getInputSettings(final JsonNode d)
    {
        final Input input = input(d);
        final ObjectNode response = mapper.createObjectNode();
        response.set("inputSettings", input.settings.deepCopy());
        response.put("inputKind", input.kind);
        return response;
    }

    private ObjectNode triggerMediaInputAction(final JsonNode d, final List<Event> events)
    {
        final Input input = mediaInput(d);
        final String action = requireString(d, "mediaAction");
        if (!MEDIA_ACTIONS.contains(action) || MEDIA_ACTIONS.get(0).equals(action))
        {
            throw new RequestError(INVALID_REQUEST_FIELD, "You have specified an invalid media input action.");
        }
        switch (action)
        {
            case "OBS_WEBSOCKET_MEDIA_INPUT_ACTION_PLAY", "OBS_WEBSOCKET_MEDIA_INPUT_ACTION_RESTART" ->
                input.mediaState = "OBS_MEDIA_STATE_PLAYING";
            case "OBS_WEBSOCKET_MEDIA_INPUT_ACTION_PAUSE" -> input.mediaState = "OBS_MEDIA_STATE_PAUSED";
            case "OBS_WEBSOCKET_MEDIA_INPUT_ACTION_STOP" -> input.mediaState = "OBS_MEDIA_STATE_STOPPED";
            default ->
            {
                // next and previous move in a playlist; a single file stays as it is.
            }
        }
        events.add(new Event("MediaInputActionTriggered", EVENT_MEDIA_INPUTS, mapper.createObjectNode()
            .put("inputName", input.name).put("inputUuid", uuid(input.name)).put("mediaAction", action)));
        return null;
    }

    private ObjectNode getHotkeyList()
    {
        final ObjectNode response = mapper.createObjectNode();
        final ArrayNode list = response.putArray("hotkeys");
        HOTKEYS.forEach(list::add);
        return response;
    }

    private ObjectNode triggerHotkeyByName(final JsonNode d)
    {
        final String name = requireString(d, "hotkeyName");
        if (!HOTKEYS.contains(name))
        {
            throw new RequestError(RESOURCE_NOT_FOUND, "No hotkeys were found by that name.");
        }
        hotkeysTriggered.add(name);
        return null;
    }

    private Scene addScene(final String name)
    {
        final Scene scene = new Scene(name);
        scenes.put(name, scene);
        return scene;
    }

    private void addInput(final Input input)
    {
        inputs.put(input.name, input);
    }

    private Scene scene(final JsonNode d)
    {
        final String name = requireString(d, "sceneName");
        final Scene scene = scenes.get(name);
        if (null == scene)
        {
            if (inputs.containsKey(name))
            {
                throw new RequestError(INVALID_RESOURCE_TYPE, "The specified source is not a scene.");
            }
            throw notFound(name);
        }
        return scene;
    }

    private Item item(final JsonNode d)
    {
        final Scene scene = scene(d);
        final int id = requireNumber(d, "sceneItemId");
        for (final Item item : scene.items)
        {
            if (item.id == id)
            {
                return item;
            }
        }
        throw new RequestError(RESOURCE_NOT_FOUND, "No scene items were found in the specified scene by that ID.");
    }

    private Input input(final JsonNode d)
    {
        final String name = requireString(d, "inputName");
        final Input input = inputs.get(name);
        if (null == input)
        {
            if (scenes.containsKey(name))
            {
                throw new RequestError(INVALID_RESOURCE_TYPE, "The specified source is not an input.");
            }
            throw notFound(name);
        }
        return input;
    }

    private Input audioInput(final JsonNode d)
    {
        final Input input = input(d);
        if (!input.audio)
        {
            throw new RequestError(INVALID_RESOURCE_STATE, "The specified input does not support audio.");
        }
        return input;
    }

    private Input mediaInput(final JsonNode d)
    {
        final Input input = input(d);
        if (!input.media)
        {
            throw new RequestError(INVALID_RESOURCE_STATE, "The specified input is not a media input.");
        }
        return input;
    }

    private static RequestError notFound(final String name)
    {
        return new RequestError(RESOURCE_NOT_FOUND, "No source was found by the name of `" + name + "`.");
    }

    private static RequestError missing(final String field)
    {
        return new RequestError(MISSING_REQUEST_FIELD, "Your request is missing the `" + field + "` field.");
    }

    private static String requireString(final JsonNode d, final String field)
    {
        final JsonNode value = d.get(field);
        if (null == value || value.isNull())
        {
            throw missing(field);
        }
        if (!value.isTextual())
        {
            throw new RequestError(INVALID_REQUEST_FIELD_TYPE, "The field value of `" + field + "` must be a string.");
        }
        if (value.asText().isEmpty())
        {
            throw new RequestError(REQUEST_FIELD_EMPTY, "The field value of `" + field + "` must not be empty.");
        }
        return value.asText();
    }

    private static boolean requireBoolean(final JsonNode d, final String field)
    {
        final JsonNode value = d.get(field);
        if (null == value || value.isNull())
        {
            throw missing(field);
        }
        if (!value.isBoolean())
        {
            throw new RequestError(INVALID_REQUEST_FIELD_TYPE, "The field value of `" + field + "` must be boolean.");
        }
        return value.asBoolean();
    }

    private static int requireNumber(final JsonNode d, final String field)
    {
        final JsonNode value = d.get(field);
        if (null == value || value.isNull())
        {
            throw missing(field);
        }
        if (!value.isNumber())
        {
            throw new RequestError(INVALID_REQUEST_FIELD_TYPE, "The field value of `" + field + "` must be a number.");
        }
        return value.asInt();
    }
}
