package dev.commandcenter.app.secrets;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.commandcenter.transport.websocket.Scope;
import dev.commandcenter.transport.websocket.Tokens;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The secrets of a data dir in one small store, {@code <data-dir>/secrets.json}: a JSON object of names to
 * values, with typed accessors for the overlay and admin tokens (features may add their own entries, such as an
 * OBS password). The data dir is kept at mode 0700 and the file at 0600, created with those modes (never
 * written first and restricted after), and every change is written to a new file that atomically replaces the
 * old one, so a reader sees the old store or the new one, never half of one.
 * <p>
 * A data dir of an older version keeps its single token in {@code <data-dir>/token}: that token is in the OBS
 * URLs, so it becomes the overlay token, a fresh admin token is generated, and the old file is deleted.
 * <p>
 * <b>Note:</b> instances are immutable snapshots; writes go through {@link #with(String, String)} and
 * {@link #rotate(Set)} and return the new snapshot. Two processes writing at once each write a whole file; the
 * last one wins.
 */
public final class SecretsStore
{
    /** File name inside the data dir. */
    public static final String FILE_NAME = "secrets.json";
    /** The single-token file of older versions, migrated and deleted on open. */
    public static final String LEGACY_TOKEN_FILE = "token";
    /** Entry of the overlay token. */
    public static final String OVERLAY_TOKEN = "overlayToken";
    /** Entry of the admin token. */
    public static final String ADMIN_TOKEN = "adminToken";
    /** Entry of the chat token: what viewers hold. */
    public static final String CHAT_TOKEN = "chatToken";
    /** Entry of the moderator token. */
    public static final String MODERATOR_TOKEN = "moderatorToken";
    /** Entry of the tip token: what the tip page holds (its own API only). */
    public static final String TIP_TOKEN = "tipToken";
    /** Entry of the HMAC key that turns a viewer's address into its opaque viewer key. */
    public static final String CHAT_KEY_SECRET = "chatKeySecret";

    /** Permissions of the data dir. */
    public static final Set<PosixFilePermission> DIR_PERMISSIONS = PosixFilePermissions.fromString("rwx------");
    /** Permissions of secret files. */
    public static final Set<PosixFilePermission> FILE_PERMISSIONS = PosixFilePermissions.fromString("rw-------");

    private static final System.Logger LOGGER = System.getLogger("dev.commandcenter.app.secrets");
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final TypeReference<TreeMap<String, String>> MAP_TYPE = new TypeReference<>()
    {
    };

    private final Path dataDir;
    private final Map<String, String> secrets;

    private SecretsStore(final Path dataDir, final Map<String, String> secrets)
    {
        this.dataDir = dataDir;
        this.secrets = Collections.unmodifiableMap(new TreeMap<>(secrets));
    }

    /**
     * The store of a data dir: created with fresh overlay, admin, chat, moderator and tip tokens and a chat key secret
     * when missing, migrated from the
     * single token file of older versions, completed when a token is missing, and its modes tightened.
     *
     * @param dataDir the data dir (created if missing, mode 0700).
     * @return the store.
     * @throws UncheckedIOException naming the file when it cannot be read or written.
     * @throws IllegalStateException naming the file and entry when it holds a weak token.
     */
    public static SecretsStore open(final Path dataDir)
    {
        createPrivateDirectory(dataDir);
        final Path file = dataDir.resolve(FILE_NAME);
        final Path legacy = dataDir.resolve(LEGACY_TOKEN_FILE);
        final TreeMap<String, String> secrets = Files.exists(file) ? read(file) : new TreeMap<>();
        boolean changed = false;
        if (!secrets.containsKey(OVERLAY_TOKEN) && Files.isRegularFile(legacy))
        {
            final String token = readLegacy(legacy);
            if (null == Tokens.weakness(token))
            {
                secrets.put(OVERLAY_TOKEN, token);
                LOGGER.log(System.Logger.Level.WARNING, "moved the access token of " + legacy + " into " + file +
                    " as the overlay token (OBS URLs keep working); REST posting, health and metrics now need the " +
                    "new admin token: commandcenter token show --scope admin --data-dir " + dataDir);
            }
            else
            {
                LOGGER.log(System.Logger.Level.WARNING, "the access token of " + legacy + " is too weak to keep (" +
                    Tokens.weakness(token) + "): a new overlay token replaces it, so update the OBS URLs " +
                    "(commandcenter token show --data-dir " + dataDir + ")");
            }
            changed = true;
        }
        for (final String entry : new String[]{ OVERLAY_TOKEN, ADMIN_TOKEN, CHAT_TOKEN, MODERATOR_TOKEN, TIP_TOKEN, CHAT_KEY_SECRET })
        {
            final String token = secrets.get(entry);
            if (null == token)
            {
                secrets.put(entry, Tokens.generate());
                changed = true;
            }
            else if (null != Tokens.weakness(token))
            {
                throw new IllegalStateException(file + ": " + entry + ": " + Tokens.weakness(token) +
                    " (run commandcenter token rotate to replace it)");
            }
        }
        final SecretsStore store = new SecretsStore(dataDir, secrets);
        if (changed)
        {
            store.write();
        }
        else
        {
            restrict(file, FILE_PERMISSIONS);
        }
        if (Files.exists(legacy))
        {
            try
            {
                Files.delete(legacy);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot delete the migrated token file " + legacy + ": " + ex.getMessage(), ex);
            }
        }
        return store;
    }

    /**
     * The current store as on disk, without creating or migrating anything.
     *
     * @param dataDir the data dir.
     * @return the store, empty when there is no file.
     */
    public static SecretsStore load(final Path dataDir)
    {
        final Path file = dataDir.resolve(FILE_NAME);
        return new SecretsStore(dataDir, Files.exists(file) ? read(file) : new TreeMap<>());
    }

    /**
     * A secret.
     *
     * @param name of the entry.
     * @return its value, or null.
     */
    public String get(final String name)
    {
        return secrets.get(name);
    }

    /**
     * The token of a scope.
     *
     * @param scope any scope.
     * @return the token, or null when missing.
     */
    public String token(final Scope scope)
    {
        return secrets.get(entryOf(scope));
    }

    /**
     * The entry holding the token of a scope.
     *
     * @param scope any scope.
     * @return such as {@value #CHAT_TOKEN}.
     */
    public static String entryOf(final Scope scope)
    {
        return switch (scope)
        {
            case ADMIN -> ADMIN_TOKEN;
            case OVERLAY -> OVERLAY_TOKEN;
            case CHAT -> CHAT_TOKEN;
            case MODERATOR -> MODERATOR_TOKEN;
            case TIP -> TIP_TOKEN;
        };
    }

    /**
     * The chat token: the chat page, the chat feed and posting chat.
     *
     * @return the token.
     */
    public String chatToken()
    {
        return token(Scope.CHAT);
    }

    /**
     * The moderator token: what the chat token allows plus moderation.
     *
     * @return the token.
     */
    public String moderatorToken()
    {
        return token(Scope.MODERATOR);
    }

    /**
     * The tip token: the tip page's own API, nothing else.
     *
     * @return the token.
     */
    public String tipToken()
    {
        return token(Scope.TIP);
    }

    /**
     * The key of the HMAC that turns a viewer's address into its viewer key.
     *
     * @return the secret.
     */
    public String chatKeySecret()
    {
        return secrets.get(CHAT_KEY_SECRET);
    }

    /**
     * The overlay token: plugin pages' feeds, the index; what OBS URLs carry.
     *
     * @return the token.
     */
    public String overlayToken()
    {
        return token(Scope.OVERLAY);
    }

    /**
     * The admin token: REST posting, health, metrics, plugin control.
     *
     * @return the token.
     */
    public String adminToken()
    {
        return token(Scope.ADMIN);
    }

    /**
     * Names of the entries.
     *
     * @return sorted names.
     */
    public Set<String> names()
    {
        return secrets.keySet();
    }

    /**
     * Set one secret and write the store.
     *
     * @param name  of the entry.
     * @param value its value.
     * @return the new store.
     */
    public SecretsStore with(final String name, final String value)
    {
        final TreeMap<String, String> copy = new TreeMap<>(secrets);
        copy.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        final SecretsStore store = new SecretsStore(dataDir, copy);
        store.write();
        return store;
    }

    /**
     * Replace the tokens of the given scopes with fresh random ones and write the store.
     *
     * @param scopes to rotate.
     * @return the new store.
     */
    public SecretsStore rotate(final Set<Scope> scopes)
    {
        final TreeMap<String, String> copy = new TreeMap<>(secrets);
        for (final Scope scope : EnumSet.copyOf(scopes))
        {
            copy.put(entryOf(scope), Tokens.generate());
        }
        final SecretsStore store = new SecretsStore(dataDir, copy);
        store.write();
        return store;
    }

    /**
     * The store file.
     *
     * @return {@code <data-dir>/secrets.json}.
     */
    public Path file()
    {
        return dataDir.resolve(FILE_NAME);
    }

    /**
     * What identifies one written version of the store file: a new file replaces it on each write, so its file
     * key (inode), size and modification time change.
     *
     * @param dataDir the data dir.
     * @return a description of the file's version, or "missing".
     */
    public static String version(final Path dataDir)
    {
        try
        {
            final BasicFileAttributes attributes = Files.readAttributes(dataDir.resolve(FILE_NAME), BasicFileAttributes.class);
            return attributes.fileKey() + "/" + attributes.size() + "/" + attributes.lastModifiedTime().toMillis();
        }
        catch (final IOException ex)
        {
            return "missing";
        }
    }

    /**
     * The names of the entries, never the values.
     *
     * @return a one-line description.
     */
    public String toString()
    {
        return "SecretsStore{" + file() + ", entries=" + secrets.keySet() + "}";
    }

    /**
     * Create a directory readable by its owner only (0700), or tighten an existing one.
     *
     * @param dir the directory.
     */
    public static void createPrivateDirectory(final Path dir)
    {
        try
        {
            if (!Files.isDirectory(dir))
            {
                if (isPosix(dir))
                {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_PERMISSIONS));
                }
                else
                {
                    Files.createDirectories(dir);
                }
            }
            restrict(dir, DIR_PERMISSIONS);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("data dir " + dir + " cannot be created: " + ex.getMessage(), ex);
        }
    }

    private void write()
    {
        final Path file = file();
        final Path tmp = dataDir.resolve(FILE_NAME + ".tmp");
        try
        {
            final byte[] bytes = MAPPER.writeValueAsBytes(secrets);
            Files.deleteIfExists(tmp);
            final FileAttribute<?>[] attributes = isPosix(dataDir) ?
                new FileAttribute<?>[]{ PosixFilePermissions.asFileAttribute(FILE_PERMISSIONS) } : new FileAttribute<?>[0];
            try (SeekableByteChannel channel = Files.newByteChannel(
                tmp, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.SYNC), attributes))
            {
                final ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining())
                {
                    channel.write(buffer);
                }
            }
            // The umask may have masked bits off the mode asked for, never added any; set it exactly all the same.
            restrict(tmp, FILE_PERMISSIONS);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + file + ": " + ex.getMessage(), ex);
        }
    }

    private static TreeMap<String, String> read(final Path file)
    {
        try
        {
            final TreeMap<String, String> secrets = MAPPER.readValue(file.toFile(), MAP_TYPE);
            return null == secrets ? new TreeMap<>() : secrets;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(file + ": cannot read the secrets store, expected a JSON object of names " +
                "to strings: " + oneLine(ex.getMessage()), ex);
        }
    }

    private static String readLegacy(final Path legacy)
    {
        try
        {
            return Files.readString(legacy, StandardCharsets.US_ASCII).trim();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + legacy + ": " + ex.getMessage(), ex);
        }
    }

    private static void restrict(final Path path, final Set<PosixFilePermission> permissions)
    {
        if (!isPosix(path))
        {
            return;
        }
        try
        {
            if (!permissions.equals(Files.getPosixFilePermissions(path)))
            {
                Files.setPosixFilePermissions(path, permissions);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot restrict the permissions of " + path + ": " + ex.getMessage(), ex);
        }
    }

    private static boolean isPosix(final Path path)
    {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix") &&
            path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static String oneLine(final String message)
    {
        return null == message ? "unknown error" : message.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
