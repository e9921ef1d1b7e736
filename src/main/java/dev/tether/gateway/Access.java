package dev.tether.gateway;

/** What a caller's credentials allow. */
public enum Access {
    FULL,
    /** only commands Redis does not flag as writing (COMMAND INFO flags write, may_replicate, admin) */
    READ_ONLY
}
