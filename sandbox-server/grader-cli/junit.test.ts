import { describe, expect, it } from 'vitest'
import { escapeXmlAttribute, escapeXmlText, toJUnitXml } from './junit.ts'
import { junitSchemaProblems as schemaProblems, sampleCheck, sampleResult } from './test-support.ts'

const check = sampleCheck
const result = sampleResult

describe('escaping', () => {
  it('escapes markup in text and quotes and line breaks in attributes', () => {
    expect(escapeXmlText(`<b>&"x"</b>]]>`)).toBe('&lt;b&gt;&amp;"x"&lt;/b&gt;]]&gt;')
    expect(escapeXmlAttribute(`it's "a"\n\tb`)).toBe('it&apos;s &quot;a&quot;&#10;&#9;b')
  })

  it('drops characters XML cannot carry, keeps every other character', () => {
    expect(escapeXmlText('a\u0000b\u001bc\uFFFFd\uD800e')).toBe('abcde')
    expect(escapeXmlText('note 📝 é')).toBe('note 📝 é')
  })
})

describe('toJUnitXml', () => {
  it('maps each check status to its JUnit element, with times in seconds', () => {
    const xml = toJUnitXml('crud-notes', [
      {
        name: 'alice',
        file: 'alice.ts',
        result: result([
          check('pass'),
          check('fail', { message: 'expected <200>', hint: 'bind "values"' }),
          check('timeout', { message: 'ran too long' }),
          check('error', { message: 'crashed' }),
          check('skipped', { message: 'needs the login check' }),
        ]),
      },
    ])
    expect(xml).toContain('<testsuites name="crud-notes" tests="5" failures="2" errors="1" time="2.500">')
    expect(xml).toContain('<testsuite name="alice" tests="5" failures="2" errors="1" skipped="1" time="2.500" file="alice.ts">')
    expect(xml).toContain('<testcase name="a pass check" classname="crud-notes.alice" time="1.234"/>')
    expect(xml).toContain('<failure message="expected &lt;200&gt;" type="fail">expected &lt;200&gt;\n\nHint:\nbind "values"</failure>')
    expect(xml).toContain('<failure message="ran too long" type="timeout">')
    expect(xml).toContain('<error message="crashed" type="error">crashed</error>')
    expect(xml).toContain('<skipped message="needs the login check"/>')
  })

  it('reports a submission that could not be graded as one error case', () => {
    const xml = toJUnitXml('crud-notes', [
      { name: 'bob', result: result([], { status: 'error', gradable: false, message: 'Your code does not compile' }) },
    ])
    expect(xml).toContain('<testsuite name="bob" tests="1" failures="0" errors="1" skipped="0" time="2.500">')
    expect(xml).toContain('<error message="Your code does not compile" type="not gradable">Your code does not compile</error>')
  })
})

describe('validity against Jenkins xUnit junit-10.xsd (xmllint)', () => {
  it('accepts every status, an ungradable submission and hostile text', () => {
    const hostile = 'a <b> & "c" \u0000 \uD800 ]]> \u001b[31m'
    const xml = toJUnitXml('crud-notes', [
      {
        name: 'alice',
        file: 'alice.ts',
        result: result([
          check('pass'),
          check('fail', { message: hostile, output: hostile, reproduction: `curl -d '${hostile}'`, hint: hostile }),
          check('timeout', { message: 'ran too long' }),
          check('error', { message: hostile }),
          check('skipped', { message: 'needs the login check' }),
        ]),
      },
      { name: 'bob', result: result([], { status: 'error', gradable: false, message: hostile }) },
    ])
    expect(schemaProblems(xml)).toBe('')
  })

  it('is a real check: the schema refuses skipped on <testsuites>', () => {
    expect(schemaProblems('<testsuites name="x" skipped="1"/>')).toMatch(/skipped/)
  })
})
