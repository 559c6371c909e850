/**
 * What a replayed check answers (POST /api/sessions/<id>/grades/latest/checks/<check>/replay), as TypeBox schemas:
 * the steps the check took, done again from where it began, and the curl lines that do them
 * once more. Apart from ./replay.ts (which records and replays) so that the site's client can
 * import these types without the server's runtime behind them.
 */
import { Type, type Static } from '@sinclair/typebox'

const Header = Type.Tuple([Type.String(), Type.String()], { description: '[name, value]' })

export const ReplayRequest = Type.Object({
  method: Type.String(),
  path: Type.String({ description: 'path and query, starting with "/"' }),
  headers: Type.Array(Header, { description: 'every header the check sent, content-type included' }),
  body: Type.Optional(Type.String({ description: 'the body as text, as the check sent it' })),
})
export type ReplayRequest = Static<typeof ReplayRequest>

export const ReplayStep = Type.Object({
  kind: Type.Union(
    [Type.Literal('request'), Type.Literal('clock'), Type.Literal('sign'), Type.Literal('call'), Type.Literal('tests'), Type.Literal('restart')],
    {
      description:
        'request: sent to the app; clock: the clock moved; sign: a value signed with the grade key; call: an exported function called; tests: the learner tests run; restart: the app started afresh, as another replica',
    },
  ),
  description: Type.String({ description: 'the step in words, e.g. "The clock moved 16 minutes on"' }),
  request: Type.Optional(ReplayRequest),
  gradedStatus: Type.Optional(Type.Number({ description: 'the status this request got during the grade' })),
  response: Type.Optional(
    Type.Object(
      { status: Type.Number(), headers: Type.Array(Header), body: Type.String({ description: 'the body as text' }) },
      { description: 'what the app answered in the replay' },
    ),
  ),
  clockMs: Type.Optional(Type.Number({ description: 'how far the clock moved, in ms' })),
  clockAt: Type.Number({ description: "what the app's clock read after this step (ms since the epoch)" }),
  error: Type.Optional(Type.String({ description: 'what went wrong in this step of the replay (a limit hit, a crash)' })),
  curl: Type.Optional(Type.String({ description: 'the step as a command against the kept session' })),
  noCurl: Type.Optional(Type.String({ description: 'why curl cannot do this step' })),
})
export type ReplayStep = Static<typeof ReplayStep>

export const CheckReplay = Type.Object({
  check: Type.String({ description: 'the check replayed' }),
  status: Type.String({ description: 'its status in the grade: fail, error or timeout' }),
  message: Type.Optional(Type.String({ description: 'its message in the grade' })),
  gradeSessionId: Type.String({ description: 'the kept session of the grade, where the replay ran' }),
  livePathUrl: Type.Optional(Type.String({ description: "the kept session's live URL (/s/<grade session>/)" })),
  expiresAt: Type.Number({ description: 'when the kept grade is let go (ms since the epoch)' }),
  startedAt: Type.Number({ description: "what the app's clock read when the check began, in the grade and in the replay" }),
  steps: Type.Array(ReplayStep),
  sameAsGrade: Type.Boolean({ description: 'every request answered with the status it got in the grade' }),
  curl: Type.Optional(Type.Array(Type.String(), { description: 'shell lines (comments and curl commands) that do the replay again' })),
})
export type CheckReplay = Static<typeof CheckReplay>
