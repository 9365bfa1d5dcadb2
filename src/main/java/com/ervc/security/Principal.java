package com.ervc.security;

import java.util.List;

/** An authenticated caller: the token's subject, its roles, and when the token stops being valid. */
public record Principal(String subject, List<String> roles, long expiresAtMs) {
}
