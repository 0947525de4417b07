/**
 * The registry's skills taxonomy (SPEC "Reporting"; issue 11): every skill of the master
 * questionnaire's `skill_list`, by its slug, with the sector it is reported under and its ISCO-08
 * unit group (4 digits). Reports count skills that are not here (free text, other forms) under
 * the visible sector `other`.
 *
 * The slugs and labels were GENERATED from the master XLSForm fixture (forms/fixtures/master.ts,
 * itself generated from data/questionnaires/oslsr_master_v3.xlsx); the sector and ISCO code are the
 * hand-made part. taxonomy.test.ts checks the slugs against the fixture, so a changed form fails it.
 *
 * Sector sizes follow the issue, except Healthcare & Wellness, which holds 8 skills, not 9: the
 * issue's sector counts add up to 151 while the form has 150 skills, and HCW is where no skill of
 * the form fits without stretching (the test states this deviation explicitly).
 */

export const SECTORS = [
  { code: 'CON', name: 'Construction & Building Trades' },
  { code: 'AUT', name: 'Automotive & Mechanical' },
  { code: 'FBP', name: 'Fashion, Beauty & Personal Care' },
  { code: 'FAP', name: 'Food, Agriculture & Processing' },
  { code: 'DIG', name: 'Digital, Technology & Office' },
  { code: 'HCW', name: 'Healthcare & Wellness' },
  { code: 'EDU', name: 'Education & Professional Services' },
  { code: 'ART', name: 'Artisan & Traditional Crafts' },
  { code: 'TRA', name: 'Transport & Logistics' },
  { code: 'SMD', name: 'Sales, Marketing & Distribution' },
  { code: 'RET', name: 'Retail & Commerce' },
  { code: 'MQE', name: 'Mining, Quarrying & Extraction' },
  { code: 'OGE', name: 'Oil, Gas & Energy' },
  { code: 'MFG', name: 'Manufacturing & Processing' },
  { code: 'HOS', name: 'Hospitality & Tourism' },
  { code: 'ECA', name: 'Entertainment & Creative Arts' },
  { code: 'SEC', name: 'Security & Safety' },
  { code: 'DOM', name: 'Domestic & Personal Services' },
  { code: 'WRE', name: 'Waste, Recycling & Environment' },
  { code: 'LRC', name: 'Legal, Religious & Community Services' },
] as const;

export type SectorCode = (typeof SECTORS)[number]['code'];
/** Skills outside the taxonomy are reported here, visibly. */
export const OTHER_SECTOR = { code: 'other', name: 'Other (not in the taxonomy)' } as const;

export interface Skill {
  slug: string;
  label: string;
  sector: SectorCode;
  /** ISCO-08 unit group. */
  isco: string;
}

export const SKILLS: readonly Skill[] = [
  { slug: 'carpentry', label: 'Carpentry/Woodwork', sector: 'CON', isco: '7115' },
  { slug: 'plumbing', label: 'Plumbing', sector: 'CON', isco: '7126' },
  { slug: 'electrical', label: 'Electrical Installation', sector: 'CON', isco: '7411' },
  { slug: 'welding', label: 'Welding & Fabrication', sector: 'CON', isco: '7212' },
  { slug: 'masonry', label: 'Masonry/Bricklaying', sector: 'CON', isco: '7112' },
  { slug: 'painting', label: 'Painting & Decoration', sector: 'CON', isco: '7131' },
  { slug: 'tiling', label: 'Tiling & Flooring', sector: 'CON', isco: '7122' },
  { slug: 'roofing', label: 'Roofing', sector: 'CON', isco: '7121' },
  { slug: 'hvac', label: 'HVAC/Air Conditioning', sector: 'CON', isco: '7127' },
  { slug: 'solar', label: 'Solar Installation', sector: 'CON', isco: '7411' },
  { slug: 'aluminum', label: 'Aluminum & Glass Fitting', sector: 'CON', isco: '7125' },
  { slug: 'pop_plastering', label: 'POP/Plaster of Paris Work', sector: 'CON', isco: '7123' },
  { slug: 'auto_mechanic', label: 'Auto Mechanic', sector: 'AUT', isco: '7231' },
  { slug: 'auto_electrician', label: 'Auto Electrician', sector: 'AUT', isco: '7412' },
  { slug: 'panel_beating', label: 'Panel Beating & Spray Painting', sector: 'AUT', isco: '7213' },
  { slug: 'vulcanizing', label: 'Vulcanizing/Tire Services', sector: 'AUT', isco: '7231' },
  { slug: 'motorcycle_repair', label: 'Motorcycle/Tricycle Repair', sector: 'AUT', isco: '7231' },
  { slug: 'heavy_equipment', label: 'Heavy Equipment Operation', sector: 'CON', isco: '8342' },
  { slug: 'generator_repair', label: 'Generator Repair', sector: 'AUT', isco: '7233' },
  { slug: 'battery_inverter', label: 'Battery/Inverter Technician', sector: 'OGE', isco: '7412' },
  { slug: 'tailoring', label: 'Tailoring/Sewing', sector: 'FBP', isco: '7531' },
  { slug: 'fashion_design', label: 'Fashion Design', sector: 'FBP', isco: '2163' },
  { slug: 'hairdressing', label: 'Hairdressing/Styling', sector: 'FBP', isco: '5141' },
  { slug: 'barbing', label: 'Barbing', sector: 'FBP', isco: '5141' },
  { slug: 'makeup', label: 'Makeup Artistry', sector: 'FBP', isco: '5142' },
  { slug: 'shoe_making', label: 'Shoe Making/Cobbling', sector: 'FBP', isco: '7536' },
  { slug: 'bag_making', label: 'Bag Making/Leather Craft', sector: 'FBP', isco: '7318' },
  { slug: 'jewelry', label: 'Jewelry Making', sector: 'FBP', isco: '7313' },
  { slug: 'nail_technology', label: 'Nail Technology', sector: 'FBP', isco: '5142' },
  { slug: 'farming', label: 'Crop Farming', sector: 'FAP', isco: '6111' },
  { slug: 'livestock', label: 'Livestock/Poultry Farming', sector: 'FAP', isco: '6121' },
  { slug: 'fishery', label: 'Fishery/Aquaculture', sector: 'FAP', isco: '6221' },
  { slug: 'catering', label: 'Catering/Event Cooking', sector: 'FAP', isco: '5120' },
  { slug: 'baking', label: 'Baking & Confectionery', sector: 'FAP', isco: '7512' },
  { slug: 'food_processing', label: 'Food Processing/Preservation', sector: 'FAP', isco: '7514' },
  { slug: 'butchery', label: 'Butchery/Meat Processing', sector: 'FAP', isco: '7511' },
  { slug: 'agro_processing', label: 'Agro-Processing Equipment Operation', sector: 'FAP', isco: '8160' },
  { slug: 'horticulture', label: 'Horticulture/Floriculture', sector: 'FAP', isco: '6113' },
  { slug: 'software_dev', label: 'Software Development', sector: 'DIG', isco: '2512' },
  { slug: 'web_design', label: 'Web Design/Development', sector: 'DIG', isco: '2513' },
  { slug: 'graphic_design', label: 'Graphic Design', sector: 'DIG', isco: '2166' },
  { slug: 'video_editing', label: 'Video Editing/Production', sector: 'DIG', isco: '3521' },
  { slug: 'data_entry', label: 'Data Entry/Typing', sector: 'DIG', isco: '4132' },
  { slug: 'accounting', label: 'Accounting/Bookkeeping', sector: 'DIG', isco: '3313' },
  { slug: 'office_admin', label: 'Office Administration', sector: 'DIG', isco: '4110' },
  { slug: 'computer_repair', label: 'Computer/Phone Repair', sector: 'DIG', isco: '7422' },
  { slug: 'social_media', label: 'Social Media Management', sector: 'SMD', isco: '2431' },
  { slug: 'digital_marketing', label: 'Digital Marketing/SEO', sector: 'SMD', isco: '2431' },
  { slug: 'nursing', label: 'Nursing/Patient Care', sector: 'HCW', isco: '3221' },
  { slug: 'pharmacy_tech', label: 'Pharmacy Assistant', sector: 'HCW', isco: '3213' },
  { slug: 'lab_tech', label: 'Laboratory Technician', sector: 'HCW', isco: '3212' },
  { slug: 'community_health', label: 'Community Health Worker', sector: 'HCW', isco: '3253' },
  { slug: 'caregiving', label: 'Elderly/Child Caregiving', sector: 'HCW', isco: '5322' },
  { slug: 'physiotherapy', label: 'Physiotherapy Assistant', sector: 'HCW', isco: '3255' },
  { slug: 'traditional_medicine', label: 'Traditional Medicine/Herbalism', sector: 'HCW', isco: '3230' },
  { slug: 'dental_assistant', label: 'Dental Assistant', sector: 'HCW', isco: '3251' },
  { slug: 'teaching', label: 'Teaching/Tutoring', sector: 'EDU', isco: '2359' },
  { slug: 'driving', label: 'Professional Driving', sector: 'TRA', isco: '8322' },
  { slug: 'event_planning', label: 'Event Planning/Decoration', sector: 'SMD', isco: '3332' },
  { slug: 'photography', label: 'Photography/Videography', sector: 'DIG', isco: '3431' },
  { slug: 'cleaning', label: 'Professional Cleaning', sector: 'DOM', isco: '9112' },
  { slug: 'laundry', label: 'Laundry/Dry Cleaning', sector: 'FBP', isco: '9121' },
  { slug: 'translation', label: 'Translation/Interpretation', sector: 'EDU', isco: '2643' },
  { slug: 'paralegal', label: 'Legal Clerk/Paralegal', sector: 'EDU', isco: '3411' },
  { slug: 'furniture', label: 'Furniture Making', sector: 'ART', isco: '7522' },
  { slug: 'upholstery', label: 'Upholstery', sector: 'ART', isco: '7534' },
  { slug: 'pottery', label: 'Pottery/Ceramics', sector: 'ART', isco: '7314' },
  { slug: 'blacksmith', label: 'Blacksmithing', sector: 'ART', isco: '7221' },
  { slug: 'weaving', label: 'Weaving/Textile Crafts', sector: 'ART', isco: '7318' },
  { slug: 'sign_writing', label: 'Sign Writing/Branding', sector: 'ART', isco: '7316' },
  { slug: 'calabash_carving', label: 'Calabash/Gourd Carving', sector: 'ART', isco: '7317' },
  { slug: 'commercial_driving', label: 'Commercial Bus/Taxi Driving', sector: 'TRA', isco: '8331' },
  { slug: 'okada_riding', label: 'Motorcycle Taxi (Okada) Riding', sector: 'TRA', isco: '8321' },
  { slug: 'keke_operation', label: 'Tricycle (Keke) Operation', sector: 'TRA', isco: '8321' },
  { slug: 'haulage_driving', label: 'Truck/Haulage Driving', sector: 'TRA', isco: '8332' },
  { slug: 'dispatch_courier', label: 'Dispatch Riding/Courier', sector: 'TRA', isco: '9621' },
  { slug: 'warehouse_management', label: 'Warehouse Management', sector: 'SMD', isco: '4321' },
  { slug: 'logistics_coordination', label: 'Freight/Logistics Coordination', sector: 'SMD', isco: '3331' },
  { slug: 'forklift_operation', label: 'Forklift Operation', sector: 'SMD', isco: '8344' },
  { slug: 'trading', label: 'Trading/General Commerce', sector: 'RET', isco: '5211' },
  { slug: 'agrochemical_sales', label: 'Agrochemical Sales', sector: 'SMD', isco: '3322' },
  { slug: 'medical_sales', label: 'Pharmaceutical/Medical Sales', sector: 'SMD', isco: '2433' },
  { slug: 'building_materials_sales', label: 'Building Materials Sales', sector: 'RET', isco: '5221' },
  { slug: 'electronics_sales', label: 'Electronics/Phone Sales', sector: 'RET', isco: '5223' },
  { slug: 'fmcg_distribution', label: 'Provisions/FMCG Distribution', sector: 'RET', isco: '5221' },
  { slug: 'fuel_retailing', label: 'Fuel/Gas Retailing', sector: 'RET', isco: '5245' },
  { slug: 'auto_parts_sales', label: 'Auto Parts Sales', sector: 'RET', isco: '5221' },
  { slug: 'quarrying', label: 'Quarrying/Stone Cutting', sector: 'MQE', isco: '8111' },
  { slug: 'sand_mining', label: 'Sand Mining/Dredging', sector: 'MQE', isco: '8111' },
  { slug: 'mineral_mining', label: 'Gold/Mineral Artisan Mining', sector: 'MQE', isco: '8111' },
  { slug: 'clay_extraction', label: 'Clay/Kaolin Extraction', sector: 'MQE', isco: '8111' },
  { slug: 'aggregate_processing', label: 'Gravel/Aggregate Processing', sector: 'CON', isco: '8112' },
  { slug: 'soap_making', label: 'Soap/Detergent Making', sector: 'MFG', isco: '8131' },
  { slug: 'water_production', label: 'Sachet/Bottled Water Production', sector: 'FAP', isco: '8160' },
  { slug: 'block_making', label: 'Block/Brick Making', sector: 'MFG', isco: '8114' },
  { slug: 'paint_manufacturing', label: 'Paint Manufacturing', sector: 'MFG', isco: '8131' },
  { slug: 'plastic_recycling', label: 'Plastic/Rubber Recycling', sector: 'MFG', isco: '8142' },
  { slug: 'garment_factory', label: 'Textile/Garment Factory Work', sector: 'FBP', isco: '8153' },
  { slug: 'metal_fabrication', label: 'Metal Fabrication/Foundry', sector: 'MFG', isco: '7211' },
  { slug: 'printing_production', label: 'Paper/Printing Production', sector: 'DIG', isco: '7322' },
  { slug: 'hotel_management', label: 'Hotel/Guest House Management', sector: 'HOS', isco: '1411' },
  { slug: 'restaurant_management', label: 'Restaurant/Bar Management', sector: 'HOS', isco: '1412' },
  { slug: 'bartending', label: 'Bartending/Mixology', sector: 'HOS', isco: '5132' },
  { slug: 'tour_guide', label: 'Tour Guide Services', sector: 'HOS', isco: '5113' },
  { slug: 'event_centre_management', label: 'Event Centre Management', sector: 'SMD', isco: '1439' },
  { slug: 'apartment_hosting', label: 'Short-Let/Apartment Hosting', sector: 'HOS', isco: '1411' },
  { slug: 'chef', label: 'Chef/Professional Cooking', sector: 'FAP', isco: '3434' },
  { slug: 'music_production', label: 'Music Production/DJ', sector: 'ECA', isco: '2652' },
  { slug: 'acting', label: 'Acting/Theatre Performance', sector: 'ECA', isco: '2655' },
  { slug: 'comedy_mc', label: 'Comedy/MC/Entertainment', sector: 'ECA', isco: '2659' },
  { slug: 'dance', label: 'Dance/Choreography', sector: 'ECA', isco: '2653' },
  { slug: 'sound_engineering', label: 'Sound Engineering', sector: 'DIG', isco: '3521' },
  { slug: 'instrument_playing', label: 'Musical Instrument Playing', sector: 'ECA', isco: '2652' },
  { slug: 'fine_art', label: 'Fine Art/Painting', sector: 'ECA', isco: '2651' },
  { slug: 'animation', label: 'Animation/Motion Graphics', sector: 'DIG', isco: '2166' },
  { slug: 'security', label: 'Private Security Guard', sector: 'SEC', isco: '5414' },
  { slug: 'cctv_installation', label: 'CCTV/Surveillance Installation', sector: 'DIG', isco: '7422' },
  { slug: 'fire_safety', label: 'Fire Safety/Extinguisher Services', sector: 'SEC', isco: '5411' },
  { slug: 'locksmith', label: 'Locksmith Services', sector: 'DOM', isco: '7222' },
  { slug: 'dog_training', label: 'Dog Training/K9 Handler', sector: 'SEC', isco: '5164' },
  { slug: 'crowd_management', label: 'Traffic/Crowd Management', sector: 'SEC', isco: '5419' },
  { slug: 'waste_collection', label: 'Waste Collection/Disposal', sector: 'WRE', isco: '9611' },
  { slug: 'scrap_dealing', label: 'Recycling/Scrap Dealing', sector: 'WRE', isco: '9612' },
  { slug: 'pest_control', label: 'Fumigation/Pest Control', sector: 'DOM', isco: '7544' },
  { slug: 'drainage_services', label: 'Sewage/Drainage Services', sector: 'WRE', isco: '7126' },
  { slug: 'environmental_remediation', label: 'Environmental Remediation', sector: 'WRE', isco: '3257' },
  { slug: 'clergy', label: 'Religious Leadership/Clergy', sector: 'LRC', isco: '2636' },
  { slug: 'islamic_teaching', label: 'Quranic/Islamic Teaching', sector: 'LRC', isco: '2636' },
  { slug: 'choir_direction', label: 'Church Music/Choir Direction', sector: 'LRC', isco: '2652' },
  { slug: 'community_development', label: 'Community Development Work', sector: 'LRC', isco: '3412' },
  { slug: 'counselling', label: 'Counselling Services', sector: 'LRC', isco: '2635' },
  { slug: 'borehole_drilling', label: 'Borehole Drilling', sector: 'OGE', isco: '8113' },
  { slug: 'water_treatment', label: 'Water Treatment/Purification', sector: 'OGE', isco: '3132' },
  { slug: 'power_line_work', label: 'Electrical Power Line Work', sector: 'OGE', isco: '7413' },
  { slug: 'gas_pipeline', label: 'Gas Pipeline Fitting', sector: 'OGE', isco: '7126' },
  { slug: 'engine_servicing', label: 'Diesel/Petrol Engine Servicing', sector: 'AUT', isco: '7233' },
  { slug: 'renewable_energy', label: 'Renewable Energy Technician', sector: 'OGE', isco: '3113' },
  { slug: 'boat_building', label: 'Boat Building/Repair', sector: 'ART', isco: '7115' },
  { slug: 'river_fishing', label: 'Fishing (River/Lake)', sector: 'FAP', isco: '6222' },
  { slug: 'boat_operation', label: 'Canoe/Boat Operation', sector: 'TRA', isco: '8350' },
  { slug: 'fish_smoking', label: 'Fish Smoking/Drying', sector: 'FAP', isco: '7511' },
  { slug: 'pond_construction', label: 'Pond/Dam Construction', sector: 'FAP', isco: '7119' },
  { slug: 'estate_agency', label: 'Property/Estate Agency', sector: 'EDU', isco: '3334' },
  { slug: 'land_surveying', label: 'Land Surveying', sector: 'EDU', isco: '2165' },
  { slug: 'quantity_surveying', label: 'Building/Quantity Surveying', sector: 'EDU', isco: '2149' },
  { slug: 'architecture', label: 'Architecture/Draughtsmanship', sector: 'EDU', isco: '2161' },
  { slug: 'interior_design', label: 'Interior Design/Decoration', sector: 'CON', isco: '3432' },
  { slug: 'facility_management', label: 'Facility Management', sector: 'DOM', isco: '5153' },
  { slug: 'pool_maintenance', label: 'Swimming Pool Construction/Maintenance', sector: 'CON', isco: '7119' },
  { slug: 'storage_construction', label: 'Pest-Proof Storage Construction', sector: 'FAP', isco: '7119' },
];

const BY_SLUG = new Map(SKILLS.map((s) => [s.slug, s]));
const SECTOR_NAMES = new Map<string, string>([
  ...SECTORS.map((s) => [s.code, s.name] as const),
  [OTHER_SECTOR.code, OTHER_SECTOR.name],
]);

export function skillOf(slug: string): Skill | undefined {
  return BY_SLUG.get(slug);
}

/** The sector a skill is counted under: its taxonomy sector, or `other`. */
export function sectorOf(slug: string): SectorCode | 'other' {
  return BY_SLUG.get(slug)?.sector ?? 'other';
}

export function sectorName(code: string): string | undefined {
  return SECTOR_NAMES.get(code);
}

const BY_LABEL = new Map(SKILLS.map((s) => [s.label.toLowerCase(), s.slug]));

/**
 * The skill a free-text occupation names, if any: a slug, or a skill's English label (a USSD
 * registration stores the label). Pages show that skill in the reader's language; other text as typed.
 */
export function skillNamed(text: string | null | undefined): string | null {
  const t = text?.trim();
  if (!t) return null;
  return BY_SLUG.has(t) ? t : (BY_LABEL.get(t.toLowerCase()) ?? null);
}

export function skillLabel(slug: string): string {
  return BY_SLUG.get(slug)?.label ?? slug;
}
