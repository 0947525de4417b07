export {
  siteRoutes,
  sitePages,
  prerenderedAppPages,
  prerenderedLocale,
  robotsTxt,
  sitemapXml,
  type PrerenderedAppPage,
  type SitePageFile,
} from './routes.js';
