/* Every export called with NULL pointers and out-of-range arguments: ours must return the C error
 * value without crashing (the original crashes on most of these, so this runs on ours only). Run
 * under valgrind by run-null-safety.sh when it is installed. */
#include <stdio.h>
#include <string.h>
#include <librtmp/rtmp.h>
#include <librtmp/log.h>
#include <librtmp/http.h>

int AMF3ReadInteger(const char *data, int32_t *valp);
int AMF3ReadString(const char *data, AVal *str);
int RTMP_FindPrefixProperty(AMFObject *obj, const AVal *name, AMFObjectProperty *p);
void RTMP_TLS_Init(void);

static int pass, fail;
#define CHECK(c) do { if (c) pass++; else { fail++; printf("FAIL: line %d: %s\n", __LINE__, #c); } } while (0)

static void quiet(int l, const char *f, va_list ap) { (void)l; (void)f; (void)ap; }

int main(void)
{
  RTMP r;
  AVal av = { NULL, 0 };
  AMFObject obj = { 0, NULL };
  AMFObjectProperty prop;
  char buf[64];
  unsigned int port = 0;
  int proto = 0;
  int32_t i32 = 0;

  RTMP_LogSetCallback(quiet);
  RTMP_LogSetLevel(RTMP_LOGALL);
  memset(&prop, 0, sizeof prop);

  /* lifecycle and accessors */
  RTMP_Init(NULL); RTMP_Close(NULL); RTMP_Free(NULL); RTMP_EnableWrite(NULL); RTMP_SetBufferMS(NULL, 1);
  RTMP_UpdateBufferMS(NULL); RTMP_DeleteStream(NULL); RTMP_DropRequest(NULL, 0, 1);
  CHECK(RTMP_IsConnected(NULL) == 0); CHECK(RTMP_Socket(NULL) == -1); CHECK(RTMP_IsTimedout(NULL) == 0);
  CHECK(RTMP_GetDuration(NULL) == 0.0);
  RTMP_Init(&r);
  RTMP_DropRequest(&r, 5, 1); RTMP_DropRequest(&r, -1, 0);
  RTMP_LogSetOutput(NULL); RTMP_LogSetCallback(NULL); RTMP_LogSetCallback(quiet);
  RTMP_Log(RTMP_LOGERROR, NULL); RTMP_LogPrintf(NULL); RTMP_LogStatus(NULL);
  RTMP_LogHex(RTMP_LOGERROR, NULL, 10); RTMP_LogHexString(RTMP_LOGERROR, NULL, 10);
  RTMP_LogSetLevel(99); RTMP_Log(7, "level above ALL"); RTMP_Log(-1, "negative level"); RTMP_LogSetLevel(RTMP_LOGALL);

  /* packets */
  CHECK(RTMPPacket_Alloc(NULL, 10) == 0); RTMPPacket_Free(NULL); RTMPPacket_Reset(NULL); RTMPPacket_Dump(NULL);
  {
    RTMPPacket p; memset(&p, 0, sizeof p);
    CHECK(RTMPPacket_Alloc(&p, 0xFFFFFFFFu) == 0 || (RTMPPacket_Free(&p), 1));
  }

  /* network entry points, unconnected or NULL */
  CHECK(RTMP_Connect(NULL, NULL) == 0); CHECK(RTMP_Connect(&r, NULL) == 0);
  CHECK(RTMP_Connect0(NULL, NULL) == 0); CHECK(RTMP_Connect0(&r, NULL) == 0);
  CHECK(RTMP_Connect1(NULL, NULL) == 0); CHECK(RTMP_Serve(NULL) == 0);
  CHECK(RTMP_TLS_Accept(NULL, NULL) == 0); CHECK(RTMP_TLS_Accept(&r, NULL) == 0);
  CHECK(RTMP_ReadPacket(NULL, NULL) == 0); CHECK(RTMP_ReadPacket(&r, NULL) == 0);
  CHECK(RTMP_SendPacket(NULL, NULL, 0) == 0); CHECK(RTMP_SendPacket(&r, NULL, 1) == 0);
  CHECK(RTMP_SendChunk(NULL, NULL) == 0); CHECK(RTMP_SendChunk(&r, NULL) == 0);
  CHECK(RTMP_ToggleStream(NULL) == 0); CHECK(RTMP_ConnectStream(NULL, 0) == 0); CHECK(RTMP_ReconnectStream(NULL, 0) == 0);
  CHECK(RTMP_GetNextMediaPacket(NULL, NULL) == 0); CHECK(RTMP_ClientPacket(NULL, NULL) == 0); CHECK(RTMP_ClientPacket(&r, NULL) == 0);
  CHECK(RTMP_SendCtrl(NULL, 0, 0, 0) == 0); CHECK(RTMP_SendPause(NULL, 1, 0) == 0); CHECK(RTMP_Pause(NULL, 1) == 0);
  CHECK(RTMP_SendCreateStream(NULL) == 0); CHECK(RTMP_SendSeek(NULL, 0) == 0);
  CHECK(RTMP_SendServerBW(NULL) == 0); CHECK(RTMP_SendClientBW(NULL) == 0);
  CHECK(RTMP_Read(NULL, buf, 10) == -1); CHECK(RTMP_Read(&r, NULL, 10) == -1); CHECK(RTMP_Read(&r, buf, -5) == -1);
  CHECK(RTMP_Write(NULL, buf, 10) == -1); CHECK(RTMP_Write(&r, NULL, 10) == -1);
  CHECK(RTMPSockBuf_Fill(NULL) == -1); CHECK(RTMPSockBuf_Send(NULL, buf, 1) == -1); CHECK(RTMPSockBuf_Close(NULL) == -1);
  CHECK(RTMP_TLS_AllocServerContext(NULL, NULL) == NULL); RTMP_TLS_FreeServerContext(NULL);
  CHECK(RTMP_TLS_AllocServerContext("/nonexistent/cert.pem", "/nonexistent/key.pem") == NULL);
  RTMP_TLS_Init();
  CHECK(RTMP_HashSWF(NULL, NULL, NULL, 0) == -1);
  CHECK(HTTP_get(NULL, NULL, NULL) != HTTPRES_OK);
  {
    struct HTTP_ctx h; memset(&h, 0, sizeof h);
    CHECK(HTTP_get(&h, NULL, NULL) != HTTPRES_OK);
  }

  /* URLs and options */
  CHECK(RTMP_ParseURL(NULL, &proto, &av, &port, &av, &av) == 0);
  CHECK(RTMP_ParseURL("rtmp://h/a/s", NULL, NULL, NULL, NULL, NULL) == 0);
  RTMP_ParsePlaypath(NULL, NULL); RTMP_ParsePlaypath(&av, NULL);
  CHECK(RTMP_SetupURL(NULL, buf) == 0); CHECK(RTMP_SetupURL(&r, NULL) == 0);
  CHECK(RTMP_SetOpt(NULL, &av, &av) == 0); CHECK(RTMP_SetOpt(&r, NULL, NULL) == 0);
  RTMP_SetupStream(NULL, 0, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, 0, 0, 0, 0);
  RTMP_SetupStream(&r, 0, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, 0, 0, 0, 0);

  /* AMF */
  CHECK(AMF_EncodeString(NULL, NULL, NULL) == NULL); CHECK(AMF_EncodeString(buf, buf + 64, NULL) == NULL);
  CHECK(AMF_EncodeNumber(NULL, NULL, 1.0) == NULL); CHECK(AMF_EncodeInt16(NULL, NULL, 1) == NULL);
  CHECK(AMF_EncodeInt24(NULL, NULL, 1) == NULL); CHECK(AMF_EncodeInt32(NULL, NULL, 1) == NULL);
  CHECK(AMF_EncodeBoolean(NULL, NULL, 1) == NULL);
  CHECK(AMF_EncodeNamedString(NULL, NULL, NULL, NULL) == NULL); CHECK(AMF_EncodeNamedNumber(NULL, NULL, NULL, 1) == NULL);
  CHECK(AMF_EncodeNamedBoolean(NULL, NULL, NULL, 1) == NULL);
  CHECK(AMF_DecodeInt16(NULL) == 0); CHECK(AMF_DecodeInt24(NULL) == 0); CHECK(AMF_DecodeInt32(NULL) == 0);
  AMF_DecodeString(NULL, NULL); AMF_DecodeString(NULL, &av); AMF_DecodeLongString(NULL, &av);
  CHECK(AMF_DecodeBoolean(NULL) == 0); CHECK(AMF_DecodeNumber(NULL) == 0.0);
  CHECK(AMF_Encode(NULL, buf, buf + 64) == NULL); CHECK(AMF_Encode(&obj, NULL, NULL) == NULL);
  CHECK(AMF_EncodeEcmaArray(NULL, buf, buf + 64) == NULL); CHECK(AMF_EncodeArray(NULL, buf, buf + 64) == NULL);
  CHECK(AMF_Decode(NULL, buf, 10, 0) == -1); CHECK(AMF_Decode(&obj, NULL, 10, 0) == -1); CHECK(AMF_Decode(&obj, buf, -1, 0) == 0); /* as the original: nothing to decode */
  CHECK(AMF_DecodeArray(NULL, buf, 10, 1, 0) == -1); CHECK(AMF_DecodeArray(&obj, NULL, 10, 1, 0) == -1);
  CHECK(AMF3_Decode(NULL, buf, 10, 0) == -1); CHECK(AMF3_Decode(&obj, NULL, 10, 0) == -1);
  AMF_Dump(NULL); AMF_Reset(NULL); AMF_AddProp(NULL, &prop); AMF_AddProp(&obj, NULL);
  CHECK(AMF_CountProp(NULL) == 0);
  CHECK(AMFProp_IsValid(AMF_GetProp(NULL, NULL, 0)) == 0); CHECK(AMFProp_IsValid(AMF_GetProp(&obj, NULL, -1)) == 0);
  CHECK(AMFProp_GetType(NULL) == AMF_INVALID);
  AMFProp_GetName(NULL, &av); AMFProp_GetName(&prop, NULL); AMFProp_SetName(NULL, &av); AMFProp_SetName(&prop, NULL);
  CHECK(AMFProp_GetNumber(NULL) == 0.0); CHECK(AMFProp_GetBoolean(NULL) == 0);
  AMFProp_GetString(NULL, &av); AMFProp_GetString(&prop, NULL); AMFProp_GetObject(NULL, &obj); AMFProp_GetObject(&prop, NULL);
  CHECK(AMFProp_IsValid(NULL) == 0);
  CHECK(AMFProp_Encode(NULL, buf, buf + 64) == NULL); CHECK(AMFProp_Encode(&prop, NULL, NULL) == NULL);
  CHECK(AMF3Prop_Decode(NULL, buf, 10, 0) == -1); CHECK(AMF3Prop_Decode(&prop, NULL, 10, 0) == -1);
  CHECK(AMFProp_Decode(NULL, buf, 10, 0) == -1); CHECK(AMFProp_Decode(&prop, NULL, 10, 0) == -1);
  AMFProp_Dump(NULL); AMFProp_Reset(NULL);
  AMF3CD_AddProp(NULL, &av); CHECK(AMF3CD_GetProp(NULL, 0) != NULL || 1);
  CHECK(AMF3ReadInteger(NULL, &i32) == 0 || 1); CHECK(AMF3ReadString(NULL, &av) == 0 || 1);
  CHECK(RTMP_FindFirstMatchingProperty(NULL, &av, &prop) == 0); CHECK(RTMP_FindFirstMatchingProperty(&obj, NULL, NULL) == 0);
  CHECK(RTMP_FindPrefixProperty(NULL, &av, &prop) == 0);

  RTMP_Close(&r);
  printf("null-safety: %d passed, %d failed\n", pass, fail);
  return fail != 0;
}
