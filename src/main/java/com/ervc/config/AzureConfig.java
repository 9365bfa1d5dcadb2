package com.ervc.config;

import io.vertx.core.json.JsonObject;

import java.util.List;

import static com.ervc.config.Setting.string;

/** The {@code providers.azure.*} keys: the Azure Speech cloud provider. */
public record AzureConfig(String key, String region, String endpoint, String tokenEndpoint, String auth,
                          String customVoiceEndpoint, String personalVoiceProject, String personalVoiceCompany,
                          String personalVoiceBaseModel) {
  public AzureConfig {
    endpoint = BaseUrls.trimmed(endpoint);
    customVoiceEndpoint = BaseUrls.trimmed(customVoiceEndpoint);
  }

  static final Setting KEY = string("providers.azure.key", "AZURE_SPEECH_KEY", null).orNull()
      .asCredential()
      .documented("any string")
      .describe("**Secret.** Azure Speech resource key: sent as `Ocp-Apim-Subscription-Key`, or exchanged for bearer "
          + "tokens when `providers.azure.auth` is `token`. Without it `azure` is announced unavailable with the "
          + "reason.");
  static final Setting REGION = string("providers.azure.region", "AZURE_REGION", null)
      .orNull()
      .matching("[a-z0-9]+", "an Azure region id such as westeurope")
      .documented("`[a-z0-9]+`, e.g. `westeurope`")
      .describe("The resource's region: synthesis goes to `https://{region}.tts.speech.microsoft.com` and tokens "
          + "come from `https://{region}.api.cognitive.microsoft.com/sts/v1.0/issueToken`, unless the two keys below "
          + "are set. Azure needs this or `providers.azure.endpoint`.");
  static final Setting ENDPOINT = string("providers.azure.endpoint", "AZURE_TTS_ENDPOINT", null)
      .orNull()
      .matching(Settings.BASE_URL, Settings.BASE_URL_HINT)
      .documented("`http://` or `https://` URL without query")
      .describe("Overrides the synthesis host (e.g. a sovereign cloud, a proxy, a test double); "
          + "`/cognitiveservices/v1` and `/cognitiveservices/voices/list` are appended.");
  static final Setting TOKEN_ENDPOINT = string("providers.azure.tokenEndpoint", "AZURE_TOKEN_ENDPOINT", null)
      .orNull()
      .matching(Settings.BASE_URL, Settings.BASE_URL_HINT)
      .documented("`http://` or `https://` URL without query")
      .describe("Full issueToken URL for `auth: token`. `null`: the regional URL above, or "
          + "`{endpoint}/sts/v1.0/issueToken` when only `providers.azure.endpoint` is set.");
  static final Setting AUTH = string("providers.azure.auth", "AZURE_AUTH", "key").oneOf("key", "token")
      .describe("`key`: every request carries the key. `token`: the key only goes to issueToken; requests carry "
          + "`Authorization: Bearer` with a token that is reused for 8 minutes (tokens live 10) and renewed on "
          + "demand. If the service refuses a token (tokens are bound to the host that issued them), the request is "
          + "retried once with the key and the provider uses the key from then on.");

  static final Setting CUSTOM_VOICE_ENDPOINT = string("providers.azure.customVoiceEndpoint",
      "AZURE_CUSTOM_VOICE_ENDPOINT", null)
      .orNull()
      .matching(Settings.BASE_URL, Settings.BASE_URL_HINT)
      .documented("`http://` or `https://` URL without query")
      .describe("Where the custom voice API is, for personal voice registration: `null` means "
          + "`https://{region}.api.cognitive.microsoft.com`; `/customvoice/…` is appended. See "
          + "[Azure personal voice](providers/azure.md#personal-voice).");
  static final Setting PERSONAL_VOICE_PROJECT = string("providers.azure.personalVoiceProject",
      "AZURE_PERSONAL_VOICE_PROJECT", null)
      .orNull()
      .matching("[A-Za-z0-9._\\-]{1,64}", "a project id of 1-64 letters, digits, dot, dash or underscore")
      .documented("a project id")
      .describe("The personal voice project (kind `PersonalVoice`, created once by the operator) that consents and "
          + "personal voices are made in. With `providers.azure.personalVoiceCompany` and the key it turns on "
          + "registration of voice profiles at Azure (personal voice is a Limited Access feature).");
  static final Setting PERSONAL_VOICE_COMPANY = string("providers.azure.personalVoiceCompany",
      "AZURE_PERSONAL_VOICE_COMPANY", null)
      .orNull()
      .documented("any string")
      .describe("The company name the speaker names in the recorded consent statement; Azure checks that the "
          + "recording matches it.");
  static final Setting PERSONAL_VOICE_BASE_MODEL = string("providers.azure.personalVoiceBaseModel",
      "AZURE_PERSONAL_VOICE_BASE_MODEL", "DragonLatestNeural")
      .documented("a base model voice name, e.g. `DragonLatestNeural`, `PhoenixLatestNeural`")
      .describe("The base model a personal voice speaks with: the `<voice name>` around "
          + "`<mstts:ttsembedding speakerProfileId>`.");

  static final List<Setting> SETTINGS = List.of(KEY, REGION, ENDPOINT, TOKEN_ENDPOINT, AUTH, CUSTOM_VOICE_ENDPOINT,
      PERSONAL_VOICE_PROJECT, PERSONAL_VOICE_COMPANY, PERSONAL_VOICE_BASE_MODEL);

  /** Registration of personal voices is set up: a key, a project, a company name, and a host for the API. */
  public boolean personalVoiceConfigured() {
    return key != null && !key.isBlank() && personalVoiceProject != null && personalVoiceCompany != null
        && (customVoiceEndpoint != null || region != null);
  }

  /** The custom voice API's host: {@code providers.azure.customVoiceEndpoint}, else the regional one. */
  public String customVoiceBase() {
    return customVoiceEndpoint != null ? customVoiceEndpoint
        : "https://" + region + ".api.cognitive.microsoft.com";
  }

  static AzureConfig from(JsonObject config) {
    return new AzureConfig(KEY.readString(config), REGION.readString(config), ENDPOINT.readString(config),
        TOKEN_ENDPOINT.readString(config), AUTH.readString(config), CUSTOM_VOICE_ENDPOINT.readString(config),
        PERSONAL_VOICE_PROJECT.readString(config), PERSONAL_VOICE_COMPANY.readString(config),
        PERSONAL_VOICE_BASE_MODEL.readString(config));
  }
}
