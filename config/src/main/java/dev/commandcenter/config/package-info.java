/**
 * The one way configuration is read, shared by the app's {@code config.yaml} and the plugin host's
 * {@code plugin.yaml} descriptors and {@code plugins:} settings: {@link dev.commandcenter.config.ConfigBinder}
 * binds YAML to records strictly and reports every mistake as one line naming the file, the key, its line and
 * what was expected. It is a module of its own because both the app and the plugin host need it and the plugin
 * host must not depend on the app; it depends on Jackson only.
 */
package dev.commandcenter.config;
