// Hono docs, Guides > JSX and Middleware > JSX Renderer (https://hono.dev/docs/guides/jsx,
// https://hono.dev/docs/middleware/builtin/jsx-renderer): components, Fragment, raw HTML, memo,
// context, async components, Suspense streaming, ErrorBoundary, html with JSX, jsxRenderer.
import { Hono } from 'hono'
import { html } from 'hono/html'
import type { FC, PropsWithChildren } from 'hono/jsx'
import { ErrorBoundary, Fragment, createContext, memo, useContext } from 'hono/jsx'
import { jsxRenderer } from 'hono/jsx-renderer'
import { Suspense, renderToReadableStream } from 'hono/jsx/streaming'

const app = new Hono()

const Layout: FC = (props) => (
  <html>
    <body>{props.children}</body>
  </html>
)
const Top: FC<{ messages: string[] }> = ({ messages }) => (
  <Layout>
    <h1>Hello Hono!</h1>
    <ul>
      {messages.map((message) => (
        <li>{message}!!</li>
      ))}
    </ul>
  </Layout>
)
app.get('/', (c) => c.html(<Top messages={['Good Morning', 'Good Evening', 'Good Night', '<b>bold</b>']} />))

const List = () => (
  <Fragment>
    <p>first child</p>
    <>
      <p>second child</p>
    </>
  </Fragment>
)
app.get('/fragment', (c) => c.html(<List />))

function Post({ title, children }: PropsWithChildren<{ title: string }>) {
  return (
    <div>
      <h1>{title}</h1>
      {children}
    </div>
  )
}
app.get('/raw', (c) => c.html(<Post title="Raw">{<div dangerouslySetInnerHTML={{ __html: 'JSX &middot; SSR' }} />}</Post>))

const Header = memo(() => <header>Welcome to Hono</header>)
const Footer = memo(() => <footer>Powered by Hono</footer>)
app.get('/memo', (c) =>
  c.html(
    <div>
      <Header />
      <p>Hono is cool!</p>
      <Footer />
    </div>,
  ),
)

const themes = { light: { color: '#000000', background: '#eeeeee' }, dark: { color: '#ffffff', background: '#222222' } }
const ThemeContext = createContext(themes.light)
const Button: FC = () => <button style={useContext(ThemeContext)}>Push!</button>
app.get('/context', (c) =>
  c.html(
    <div>
      <ThemeContext.Provider value={themes.dark}>
        <Button />
      </ThemeContext.Provider>
      <Button />
    </div>,
  ),
)

const AsyncComponent = async () => {
  await new Promise((resolve) => setTimeout(resolve, 5))
  return <div>Done!</div>
}
app.get('/async', (c) =>
  c.html(
    <html>
      <body>
        <AsyncComponent />
      </body>
    </html>,
  ),
)

app.get('/suspense', (c) => {
  const stream = renderToReadableStream(
    <html>
      <body>
        <Suspense fallback={<div>loading...</div>}>
          <AsyncComponent />
        </Suspense>
      </body>
    </html>,
  )
  return c.body(stream, { headers: { 'Content-Type': 'text/html; charset=UTF-8', 'Transfer-Encoding': 'chunked' } })
})

function Broken(): never {
  throw new Error('Error')
}
app.get('/error-boundary', (c) =>
  c.html(
    <html>
      <body>
        <ErrorBoundary fallback={<div>Out of Service</div>}>
          <Broken />
        </ErrorBoundary>
      </body>
    </html>,
  ),
)

const SiteLayout = (props: { title: string; children?: unknown }) =>
  html`<!doctype html>
    <html>
      <head>
        <title>${props.title}</title>
      </head>
      <body>
        ${props.children}
      </body>
    </html>`
app.get('/html/:name', (c) =>
  c.html(
    <SiteLayout title="JSX with html sample">
      <h1>Hello {c.req.param('name')}</h1>
    </SiteLayout>,
  ),
)

app.use(
  '/page/*',
  jsxRenderer(({ children }) => (
    <html>
      <body>
        <header>Menu</header>
        <div>{children}</div>
      </body>
    </html>
  )),
)
app.get('/page/about', (c) => c.render(<h1>About me!</h1>))

export default app

export const requests = [
  { name: 'components render to HTML, escaping text', path: '/' },
  { name: 'Fragment and <></>', path: '/fragment' },
  { name: 'dangerouslySetInnerHTML and PropsWithChildren', path: '/raw' },
  { name: 'memo', path: '/memo' },
  { name: 'createContext and useContext', path: '/context' },
  { name: 'an async component', path: '/async' },
  { name: 'Suspense with renderToReadableStream', path: '/suspense' },
  { name: 'ErrorBoundary', path: '/error-boundary' },
  { name: 'html helper with JSX', path: '/html/%3Cann%3E' },
  { name: 'jsxRenderer and c.render()', path: '/page/about' },
]
