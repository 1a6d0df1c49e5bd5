package dev.hoop.agent.masking;

/** STAND-IN (masking-wire): replaced by the engine's file at merge. */
public enum MaskFormat { KEEP_SHAPE, TOKEN, HASH }
