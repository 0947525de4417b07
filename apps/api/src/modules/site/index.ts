export { siteRoutes, sitePages, robotsTxt, sitemapXml, type SitePageFile } from './routes.js';
