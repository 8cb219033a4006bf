/**
 * What the application's REST routes share: reading JSON request bodies with one-line errors.
 */
package dev.commandcenter.app.rest;
