/**
 * The rules file: parsing (YAML or JSON), checking with errors that name file, line and what was expected, and the
 * compiled rules the plugin runs.
 */
package dev.commandcenter.plugin.automation.rules;
